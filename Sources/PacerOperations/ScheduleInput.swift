import Foundation
import PacerCore

/// A schedule definition as every surface accepts it (the API's body, an MCP tool's arguments,
/// an entry of a YAML file): the stored JSON's members, with `cron`, `every`, `rule`, `at` and
/// `timezone` as shorthands for `timing`, and `agent` with `prompt` for an agent `target`.
/// Every problem is reported with its path, under the shorthand's name when one was used
/// (`cron`, not `timing.rule`).
public enum ScheduleInput {
    /// Members the server sets (or computes for views); ignored when a client sends them back.
    public static let assignedKeys = ["id", "owner", "created_at", "updated_at", "revision", "state", "description"]

    /// Members a definition may set.
    public static let definitionKeys = ["name", "enabled", "notes", "timing", "target", "dispatch", "policies", "caps", "delivery"]

    /// Entry-level shorthands for `timing.rule`.
    public static let ruleShorthands = RuleShorthand.allCases.map(\.rawValue)

    /// The sections decoded one by one, each with a valid stand-in used when it does not
    /// decode, so that one bad section does not hide problems in the others.
    static let sections: [(key: String, decode: @Sendable (JSONValue, String, DecodingProblem.Words) -> FieldError?, standIn: JSONValue)] = [
        ("timing", { check(ScheduleTiming.self, $0, $1, $2) }, ["rule": "every 1m"]),
        ("target", { check(Target.self, $0, $1, $2) }, ["kind": "http", "url": "https://stand-in.invalid"]),
        ("dispatch", { check(Dispatch.self, $0, $1, $2) }, [:]),
        ("policies", { check(Policies.self, $0, $1, $2) }, [:]),
        ("caps", { check(Caps.self, $0, $1, $2) }, [:]),
        ("delivery", { check(Delivery.self, $0, $1, $2) }, ["kind": "none"]),
    ]

    private static func check<T: Codable>(_ type: T.Type, _ value: JSONValue, _ path: String, _ words: DecodingProblem.Words) -> FieldError? {
        DefinitionJSON.decode(type, from: value, at: path, words: words).error
    }

    /// Reads a whole definition: shorthands expanded (one that cannot be read stands in as
    /// `every 1m`, so that the definition's other problems are reported with it), the members
    /// the store assigns set from `assigned`, every section decoded and the result validated.
    /// - Parameters:
    ///   - input: the definition as given.
    ///   - assigned: `id`, `owner`, `created_at`, `updated_at`, `revision`.
    ///   - now: when given, a one-shot `at` before it is refused.
    ///   - words: how kinds of values are called in messages (a YAML file says "mapping").
    /// - Returns: the schedule, and the shorthand paths its fields are named by.
    /// - Throws: `ValidationError` naming every field at fault.
    public static func read(_ input: [String: JSONValue], assigned: [String: JSONValue], now: Date? = nil,
                            words: DecodingProblem.Words = .json) throws -> (schedule: Schedule, renames: [String: String]) {
        var object = input
        var errors: [FieldError] = []
        var failed: [String] = []
        var renames: [String: String]
        do {
            renames = try expandShorthands(&object, now: now)
        } catch let error as ValidationError {
            errors = error.errors
            failed = ["timing.rule"]
            let agentShorthand = ["agent", "prompt"].contains { input[$0] != nil && input[$0] != .null }
            renames = agentShorthand ? ["target.agent": "agent", "target.prompt": "prompt"] : [:]
            for key in ruleShorthands + ["agent", "prompt"] { object[key] = nil }
            var timing: [String: JSONValue] = [:]
            if case .object(let t)? = object["timing"] { timing = t }
            timing["rule"] = "every 1m"
            if let zone = object.removeValue(forKey: "timezone"), timing["timezone"] == nil {
                timing["timezone"] = zone
                renames["timing.timezone"] = "timezone"
            }
            object["timing"] = .object(timing)
        }
        impliedAgentTarget(&object)
        var complete = object
        for (key, value) in assigned { complete[key] = value }
        let schedule = try schedule(complete, input: object, renames: renames, errors: errors, failed: failed, words: words)
        return (schedule, renames)
    }

    /// Moves the shorthands of a request object into `timing`.
    /// - Returns: wire paths to report under the shorthand's name (`timing.rule` -> `cron`).
    /// - Parameter now: when given, an `at` before it is refused (a new one-shot that could
    ///   never fire).
    /// - Throws: `ValidationError` for a shorthand that is not a string, an `every` that is
    ///   not a duration, an `at` that is not an instant, or two ways of giving the rule.
    public static func expandShorthands(_ object: inout [String: JSONValue], now: Date? = nil) throws -> [String: String] {
        var renames = try expandAgentShorthand(&object)
        let given = ruleShorthands.filter { object[$0] != nil && object[$0] != .null }
        for key in ruleShorthands + ["timezone"] where object[key] == .null { object[key] = nil }
        if given.isEmpty && object["timezone"] == nil { return renames }
        var timing: [String: JSONValue] = [:]
        switch object["timing"] {
        case nil, .null?: break
        case .object(let t)?: timing = t
        default: throw invalid("timing", "expected an object with rule, timezone, ...")
        }
        let rules = given + (timing["rule"] != nil && timing["rule"] != .null ? ["timing.rule"] : [])
        if rules.count > 1 {
            throw invalid(given[0], "give only one of \(rules.joined(separator: ", "))")
        }
        if let key = given.first {
            guard case .string(let text) = object.removeValue(forKey: key)! else {
                throw invalid(key, "expected a string")
            }
            do {
                timing["rule"] = .string(try RuleShorthand(rawValue: key)!.rule(text, now: now))
            } catch {
                throw invalid(key, error.message)
            }
            renames["timing.rule"] = key
        }
        if let zone = object.removeValue(forKey: "timezone") {
            if timing["timezone"] != nil && timing["timezone"] != .null {
                throw invalid("timezone", "give only one of timezone and timing.timezone")
            }
            timing["timezone"] = zone
            renames["timing.timezone"] = "timezone"
        }
        object["timing"] = .object(timing)
        return renames
    }

    /// Refuses a one-shot rule whose instant has passed (it would never fire), under the
    /// name the request gave it (`at`, `rule` or `timing.rule`).
    /// - Throws: ``ValidationError``.
    public static func requireFuture(_ rule: String, now: Date, renames: [String: String]) throws {
        if let problem = RuleShorthand.pastOneShotProblem(rule, now: now) {
            throw invalid(rename("timing.rule", renames), problem)
        }
    }

    /// `timing.rule` as `cron` when the request used the shorthand.
    public static func rename(_ field: String, _ renames: [String: String]) -> String {
        for (wire, short) in renames where field == wire || field.hasPrefix(wire + ".") || field.hasPrefix(wire + "[") {
            return short + field.dropFirst(wire.count)
        }
        return field
    }

    /// A schedule from a complete definition object (shorthands expanded, server members
    /// set), decoded and validated.
    /// - Parameters:
    ///   - object: the definition, with `id`, `owner`, `created_at`, `updated_at` and `revision`.
    ///   - input: the members the client sent, checked for unknown keys.
    ///   - renames: shorthand paths from ``expandShorthands(_:)``.
    /// - Throws: `ValidationError` naming every field at fault.
    ///   - errors: problems found before (in the shorthands).
    ///   - failed: fields already reported, whose own problems are not reported again.
    public static func schedule(_ object: [String: JSONValue], input: [String: JSONValue], renames: [String: String],
                                errors prior: [FieldError] = [], failed already: [String] = [],
                                words: DecodingProblem.Words = .json) throws -> Schedule {
        var errors = prior
        var complete = object
        var failed = already
        for section in sections {
            guard let value = object[section.key], value != .null else { continue }
            if let error = section.decode(value, section.key, words) {
                errors.append(error)
                complete[section.key] = section.standIn
                failed.append(section.key)
            }
        }
        if object["timing"] == nil || object["timing"] == .null {
            errors.append(FieldError(field: "timing", message: "is required (or give cron, every, rule or at)"))
            complete["timing"] = ["rule": "every 1m"]
            failed.append("timing")
        }
        if object["target"] == nil || object["target"] == .null {
            errors.append(FieldError(field: "target", message: "is required: an object with kind (http, command, agent, monitor or workflow) and its members, or agent with prompt"))
            complete["target"] = ["kind": "http", "url": "https://stand-in.invalid"]
            failed.append("target")
        }
        let decoded = DefinitionJSON.decode(Schedule.self, from: JSONValue.object(complete), at: "", words: words)
        guard let schedule = decoded.value else {
            throw invalid((errors + [decoded.error!]).map { FieldError(field: rename($0.field, renames), message: $0.message) })
        }
        if let encoded = try? DefinitionJSON.json(schedule) {
            var known = input
            for key in failed { known[key] = nil }
            for key in known.keys where !definitionKeys.contains(key) && !assignedKeys.contains(key) {
                errors.append(FieldError(field: key, message: "unknown key"))
            }
            for key in definitionKeys where known[key] != nil {
                errors += DefinitionJSON.unknownKeys(known[key]!, encoded[key], at: key)
                    .map { FieldError(field: $0, message: "unknown key") }
            }
        }
        for (key, date) in [("anchor", schedule.timing.anchor), ("starts_at", schedule.timing.startsAt), ("ends_at", schedule.timing.endsAt)] {
            if let date, !DefinitionJSON.writable.contains(date), !failed.contains("timing") {
                errors.append(FieldError(field: "timing.\(key)", message: "\(PacerJSON.format(date)) is not between the years 0001 and 9999"))
            }
        }
        for e in schedule.validate() where !failed.contains(where: { e.field == $0 || e.field.hasPrefix($0 + ".") }) {
            errors.append(e)
        }
        if !errors.isEmpty {
            throw invalid(errors.map { FieldError(field: rename($0.field, renames), message: $0.message) })
        }
        return schedule
    }

    /// Moves `agent` and `prompt` into `target` (an agent target; without `kind` when only one
    /// is given, so that an edit changes that member of the stored agent target; a new
    /// schedule's is an agent target all the same, see ``impliedAgentTarget(_:)``).
    private static func expandAgentShorthand(_ object: inout [String: JSONValue]) throws -> [String: String] {
        let given = ["agent", "prompt"].filter { object[$0] != nil && object[$0] != .null }
        for key in ["agent", "prompt"] where object[key] == .null { object[key] = nil }
        guard !given.isEmpty else { return [:] }
        if let target = object["target"], target != .null {
            throw invalid(given[0], "give either target or agent with prompt, not both")
        }
        var target: [String: JSONValue] = given.count == 2 ? ["kind": "agent"] : [:]
        for key in given { target[key] = object.removeValue(forKey: key) }
        object["target"] = .object(target)
        return ["target.agent": "agent", "target.prompt": "prompt"]
    }

    /// A new schedule's target given by `agent` or `prompt` alone is an agent target (the
    /// missing member is then reported as required).
    public static func impliedAgentTarget(_ object: inout [String: JSONValue]) {
        guard case .object(var target)? = object["target"], target["kind"] == nil,
              target["agent"] != nil || target["prompt"] != nil else { return }
        target["kind"] = "agent"
        object["target"] = .object(target)
    }

    /// A `ValidationError` naming every field at fault.
    static func invalid(_ errors: [FieldError]) -> ValidationError { ValidationError(errors) }

    /// One field error.
    static func invalid(_ field: String, _ message: String) -> ValidationError {
        ValidationError([FieldError(field: field, message: message)])
    }
}
