import Foundation
import PacerCore

extension ScheduleFile {
    /// Members of the wire format that a file may not set: the store assigns them.
    static let assignedKeys = ["id", "created_at", "updated_at", "revision"]

    /// The members decoded (and checked for unknown keys) one by one,
    /// with a valid stand-in for each.
    nonisolated(unsafe) static let sections: [(String, any Codable.Type, Any)] = [
        ("timing", ScheduleTiming.self, ["rule": "every 1m"]),
        ("target", Target.self, ["kind": "http", "url": "https://stand-in.invalid"]),
        ("dispatch", Dispatch.self, [String: Any]()), ("policies", Policies.self, [String: Any]()),
        ("caps", Caps.self, [String: Any]()), ("delivery", Delivery.self, ["kind": "none"]),
    ]

    /// Entry-level shorthands for `timing.rule`.
    static let ruleShorthands = RuleShorthand.allCases.map(\.rawValue)

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
        let beforeShorthands = errors.count
        var renames = expandShorthands(&object, path: path, errors: &errors)
        var failed: [String] = []
        if errors.count > beforeShorthands {
            // A rule that cannot be read stands in as `every 1m`, so the entry's other
            // problems are reported too (its time zone among them).
            var timing = object["timing"] as? [String: Any] ?? [:]
            timing["rule"] = "every 1m"
            if let zone = object.removeValue(forKey: "timezone") {
                timing["timezone"] = zone
                renames["timing.timezone"] = "timezone"
            }
            for key in ruleShorthands { object[key] = nil }
            object["timing"] = timing
            failed.append("timing.rule")
        }

        // Placeholders for what the store assigns; apply fills them in.
        var complete = object
        complete["id"] = "sch_pending"
        complete["created_at"] = "1970-01-01T00:00:00Z"
        if complete["owner"] == nil || complete["owner"] is NSNull { complete["owner"] = owner }

        // Each section on its own first, so that a problem in one does not hide the others: a
        // section that does not decode is replaced by a valid stand-in, and the rest is still
        // decoded and validated (errors under a stand-in are not reported).
        for (key, type, standIn) in sections {
            guard let value = object[key], !(value is NSNull) else { continue }
            do {
                let decoded = try PacerJSON.decode(type, from: JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
                for field in YAMLTree.unknownKeys(value, try JSONOutput.object(decoded), at: "\(path).\(key)") {
                    errors.append(FieldError(field: field, message: "unknown key"))
                }
            } catch {
                errors.append(decodingProblem(error, path: "\(path).\(key)", renames: renames, entry: path))
                complete[key] = standIn
                failed.append(key)
            }
        }
        let schedule: Schedule
        do {
            let data = try JSONSerialization.data(withJSONObject: complete, options: [.sortedKeys])
            schedule = try PacerJSON.decode(Schedule.self, from: data)
        } catch {
            errors.append(decodingProblem(error, path: path, renames: renames, entry: path))
            return nil
        }
        // Top-level keys only: the sections were checked in depth above.
        if let encoded = try? JSONOutput.object(schedule) as? [String: Any] {
            for key in object.keys.sorted() where encoded[key] == nil && !(object[key] is NSNull) {
                errors.append(FieldError(field: "\(path).\(key)", message: "unknown key"))
            }
        }
        for e in schedule.validate() where !failed.contains(where: { e.field == $0 || e.field.hasPrefix($0 + ".") }) {
            errors.append(FieldError(field: rename(YAMLTree.join(path, e.field), path: path, renames), message: e.message))
        }
        if errors.count > before { return nil }
        return Entry(index: index, schedule: schedule, ifExists: ifExists)
    }

    /// Moves `cron`, `every`, `rule`, `at` and `timezone` into `timing`.
    /// - Returns: wire paths to report under the shorthand's name (`timing.rule` -> `cron`).
    static func expandShorthands(_ object: inout [String: Any], path: String, errors: inout [FieldError]) -> [String: String] {
        var renames: [String: String] = [:]
        let given = ruleShorthands.filter { object[$0] != nil }
        var timing = object["timing"] as? [String: Any]
        if given.isEmpty && object["timezone"] == nil { return renames }
        if object["timing"] != nil && timing == nil { return renames }  // the decoder reports the type
        timing = timing ?? [:]
        let rules = given + (timing!["rule"] != nil ? ["timing.rule"] : [])
        if rules.count > 1 {
            errors.append(FieldError(field: path, message: "give only one of \(rules.joined(separator: ", "))"))
            return renames
        }
        if let key = given.first {
            let value = object.removeValue(forKey: key)!
            let text = value as? String ?? (value is NSNull ? nil : "\(value)")
            guard let text else {
                errors.append(FieldError(field: "\(path).\(key)", message: "expected a string"))
                return renames
            }
            do {
                // A file applied again later keeps its `at`: only the surfaces where a person
                // gives an instant now refuse one in the past.
                timing!["rule"] = try RuleShorthand(rawValue: key)!.rule(text)
            } catch {
                errors.append(FieldError(field: "\(path).\(key)", message: error.message))
                return renames
            }
            renames["timing.rule"] = key
        }
        if let zone = object.removeValue(forKey: "timezone") {
            if timing!["timezone"] != nil {
                errors.append(FieldError(field: path, message: "give only one of timezone and timing.timezone"))
                return renames
            }
            timing!["timezone"] = zone
            renames["timing.timezone"] = "timezone"
        }
        object["timing"] = timing
        return renames
    }

    /// `schedules[0].timing.rule` as `schedules[0].cron` when the entry used the shorthand.
    static func rename(_ field: String, path: String, _ renames: [String: String]) -> String {
        for (wire, short) in renames {
            let full = path + "." + wire
            if field == full || field.hasPrefix(full + ".") || field.hasPrefix(full + "[") {
                return path + "." + short + field.dropFirst(full.count)
            }
        }
        return field
    }

    /// A decoding error as a field error under the entry's path.
    /// - Parameters:
    ///   - path: the path of the value that was decoded.
    ///   - entry: the entry's path, which `renames` are relative to.
    static func decodingProblem(_ error: any Error, path: String, renames: [String: String], entry: String) -> FieldError {
        DecodingProblem.fieldError(error, at: path, words: .yaml) { rename($0, path: entry, renames) }
    }
}
