import Foundation
import PacerCore
import PacerOperations

extension ScheduleFile {
    /// Members of the wire format that a file may not set: the store assigns them.
    static let assignedKeys = ["id", "created_at", "updated_at", "revision"]

    /// One entry of `schedules`, decoded with the API's Codable types; problems are appended
    /// to `errors` with their paths, and `nil` is returned.
    static func entry(_ item: Any, index: Int, fileIfExists: IfExists, owner: String, errors: inout [FieldError]) -> Entry? {
        let path = "schedules[\(index)]"
        guard var object = item as? [String: Any] else {
            errors.append(FieldError(field: path, message: "expected a mapping with name, timing (or cron/every/rule), target, ..."))
            return nil
        }
        let before = errors.count
        let ifExists = Self.ifExists(object.removeValue(forKey: "if_exists"), at: "\(path).if_exists", errors: &errors) ?? fileIfExists
        for key in assignedKeys where object[key] != nil {
            errors.append(FieldError(field: "\(path).\(key)", message: "is set by the store; schedules are matched by name"))
            object[key] = nil
        }
        var input: [String: JSONValue]
        do {
            input = try PacerJSON.decode([String: JSONValue].self, from: JSONSerialization.data(withJSONObject: object))
            // YAML reads `every: 30` as a number; a rule is text.
            for key in ScheduleInput.ruleShorthands {
                if case .number(let n)? = input[key] { input[key] = .string(n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)) }
            }
        } catch {
            errors.append(FieldError(field: path, message: "cannot be read: \(error)"))
            return nil
        }
        do {
            // Placeholders for what the store assigns; apply fills them in. An entry may name
            // its owner.
            let (schedule, _) = try ScheduleInput.read(input.filter { $0.key != "owner" }, assigned: [
                "id": "sch_pending", "created_at": "1970-01-01T00:00:00Z", "owner": input["owner"].flatMap { $0 == .null ? nil : $0 } ?? .string(owner),
            ], words: .yaml)
            if errors.count > before { return nil }
            return Entry(index: index, schedule: schedule, ifExists: ifExists)
        } catch let error as ValidationError {
            errors += error.errors.map { FieldError(field: $0.field == "body" ? path : YAMLTree.join(path, $0.field), message: $0.message) }
            return nil
        } catch {
            errors.append(FieldError(field: path, message: "\(error)"))
            return nil
        }
    }
}
