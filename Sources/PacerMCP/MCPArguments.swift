import Foundation
import PacerAgents
import PacerCore
import PacerOperations
import PacerStore
import Recurrence

/// Typed reads of a tool call's JSON arguments. A wrong one throws an ``MCPToolError`` naming
/// the argument, which the client reads as an error result.
struct MCPArguments: Sendable {
    let object: [String: JSONValue]

    /// - Parameters:
    ///   - value: the arguments, a JSON object.
    ///   - allowed: the names the tool's schema declares; any other is refused.
    init(_ value: JSONValue, allowed: Set<String>) throws(MCPToolError) {
        guard case .object(let object) = value else { throw MCPToolError(field: nil, "the arguments must be a JSON object") }
        for key in object.keys.sorted() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw MCPToolError(field: String(key.prefix(100)), "unknown argument; this tool takes " + (known.isEmpty ? "no arguments" : known))
        }
        self.object = object
    }

    /// The reads an agent's tools make of their arguments, with the same rules and messages.
    private var shared: ToolArguments { ToolArguments(object: object) }

    /// Whether the argument is given (and not `null`).
    func has(_ name: String) -> Bool { shared.has(name) }

    /// A string; a required one must not be blank.
    func string(_ name: String, required: Bool = false, max: Int = 10_000) throws(MCPToolError) -> String? {
        do { return try shared.string(name, required: required, max: max) } catch { throw MCPToolError(error) }
    }

    /// A whole number within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(MCPToolError) -> Int? {
        guard let value = object[name], value != .null else { return nil }
        guard case .number(let n) = value, n.isFinite else { throw MCPToolError(field: name, "must be a whole number") }
        guard n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            throw MCPToolError(field: name, "\(Self.format(n)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(n)
    }

    /// `true` or `false`.
    func bool(_ name: String) throws(MCPToolError) -> Bool? {
        do { return try shared.bool(name) } catch { throw MCPToolError(error) }
    }

    /// An RFC 3339 instant.
    func instant(_ name: String) throws(MCPToolError) -> Date? {
        guard let text = try string(name, max: 100) else { return nil }
        guard let date = PacerJSON.parse(text) else {
            throw MCPToolError(field: name, "'\(text)' is not an RFC 3339 instant such as 2026-12-24T18:00:00Z")
        }
        return date
    }

    /// A JSON object decoded as `type`; a problem names the member at fault (`target.url`).
    func decoded<T: Decodable>(_ type: T.Type, _ name: String) throws(MCPToolError) -> T? {
        guard let value = object[name], value != .null else { return nil }
        guard case .object = value else { throw MCPToolError(field: name, "must be a JSON object") }
        do {
            return try PacerJSON.decode(type, from: try PacerJSON.encode(value))
        } catch {
            throw MCPToolError.decoding(error, at: name)
        }
    }

    static func format(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
    }
}

/// Why a tool call failed: a message, the argument at fault, and every field error of a
/// definition that did not validate. Clients read it as `{"ok": false, "error": ..., "field":
/// ..., "fields": [...]}` in an error result.
struct MCPToolError: Error, Sendable {
    /// The argument at fault, in the tool's own names (`rule`, `target.url`).
    var field: String?
    /// A short machine-readable code: `invalid`, `not_found`, `forbidden`, `conflict`, `cap_exceeded`, `internal`.
    var code: String
    /// What is wrong, naming the field.
    var message: String
    /// Every field error, for a definition that did not validate.
    var fields: [FieldError]
    /// More members of the result (`cap`, `observed`, `limit`).
    var extra: [String: JSONValue]

    /// - Parameters:
    ///   - field: the argument at fault.
    ///   - code: the code.
    ///   - message: what is wrong, without the field's name (it is prefixed).
    /// A bad argument, as the shared argument reader words it.
    init(_ error: ToolArgumentError) {
        self.init(field: error.field, error.message)
    }

    init(field: String?, code: String = "invalid", _ message: String, fields: [FieldError] = [], extra: [String: JSONValue] = [:]) {
        self.field = field
        self.code = code
        self.message = field.map { "\($0): \(message)" } ?? message
        self.fields = fields
        self.extra = extra
    }

    /// The error result's JSON.
    var json: JSONValue {
        var object: [String: JSONValue] = ["ok": false, "error": .string(message), "code": .string(code)]
        if let field { object["field"] = .string(field) }
        if !fields.isEmpty {
            object["fields"] = .array(fields.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
        }
        object.merge(extra) { _, new in new }
        return .object(object)
    }

    /// Every field error of a definition, with the tool's argument names.
    /// - Parameters:
    ///   - error: the validation error.
    ///   - rename: wire path to argument name (`timing.rule` -> `rule`).
    static func invalid(_ error: ValidationError, rename: (String) -> String = { $0 }) -> MCPToolError {
        let errors = error.errors.map { FieldError(field: rename($0.field), message: $0.message) }
        var e = MCPToolError(field: nil, errors.map(\.description).joined(separator: "; "), fields: errors)
        e.field = errors.first?.field
        return e
    }

    /// A JSON object that does not decode, naming the member at fault under `path`.
    static func decoding(_ error: any Error, at path: String) -> MCPToolError {
        let problem = DecodingProblem.fieldError(error, at: path)
        return MCPToolError(field: problem.field, problem.message)
    }

    /// Any error of a tool's body as a tool error: store and validation errors keep their
    /// field, anything else is reported (never thrown at the client as a protocol error).
    static func from(_ error: any Error) -> MCPToolError {
        switch error {
        case let e as MCPToolError:
            return e
        case let e as ValidationError:
            return invalid(e)
        case let e as RecurrenceError:
            switch e.field {
            case "timezone", "count", "rule": return MCPToolError(field: e.field, e.message)
            default: return MCPToolError(field: "rule", e.description)
            }
        case let e as StoreError:
            return store(e)
        case let e as OperationError:
            switch e {
            case .conflict(let field, let message): return MCPToolError(field: field, code: "conflict", message)
            case .notFound(let kind, let reference):
                // The argument that names it, and where the client finds the right ones.
                let (field, names, list) = switch kind {
                case "session": ("id", "id", "list_sessions")
                default: (kind, "id or name", "list_\(kind)s")
                }
                return MCPToolError(field: field, code: "not_found", "no \(kind) with \(names) '\(reference.prefix(200))'; \(list) shows them")
            case .missing(let field, let message): return MCPToolError(field: field, code: "not_found", message)
            }
        case let e as Privilege.Refusal:
            switch e {
            case .forbidden(_, let field, let message): return MCPToolError(field: field, code: "forbidden", message + ", which the caller lacks")
            case .invalid(let errors): return invalid(ValidationError(errors))
            }
        default:
            return MCPToolError(field: nil, code: "internal", "the call failed: \(String(describing: error).prefix(500))")
        }
    }

    static func store(_ error: StoreError) -> MCPToolError {
        switch error {
        case .scheduleNotFound(let id): MCPToolError(field: "schedule", code: "not_found", "no schedule with id '\(id)' (deleted meanwhile?)")
        case .nameTaken(let name): MCPToolError(field: "name", code: "conflict", "a schedule named '\(name)' exists already; choose another name")
        case .revisionConflict(_, let stored, let given):
            MCPToolError(field: nil, code: "conflict", "the schedule was changed meanwhile (revision \(stored), not \(given)); read it again and retry")
        case .sessionNotFound(let id): MCPToolError(field: "session_id", code: "not_found", "no session with id '\(id)'")
        case .runNotFound(let id): MCPToolError(field: nil, code: "not_found", "no run with id '\(id)'")
        case .revisionNotFound(_, let revision): MCPToolError(field: "revision", code: "not_found", "no revision \(revision) of this schedule")
        case .duplicateRun: MCPToolError(field: nil, code: "conflict", "a run for that instant exists already; try again")
        case .leaseLost(let id): MCPToolError(field: nil, code: "conflict", "run \(id) is held by another process")
        case .corrupt(let what): MCPToolError(field: nil, code: "internal", "the store holds a row that cannot be read: \(what)")
        case .notFound(let kind, let id): MCPToolError(field: nil, code: "not_found", "no \(kind) with id '\(id)'")
        case .closed: MCPToolError(field: nil, code: "internal", "the store is closed")
        case .timedOut(let s): MCPToolError(field: nil, code: "unavailable", "the database did not answer within \(Int(s)) s; try again")
        }
    }
}
