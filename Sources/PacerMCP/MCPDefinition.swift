import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// Reading a schedule definition from a tool's flat arguments (`name`, `rule`, `timezone`,
/// `target` or `agent` + `prompt`, `delivery`, `caps`, `max_fires`, `notes`), and naming the
/// stored definition's fields the way the tool does (`timing.rule` is `rule`).
enum MCPDefinition {
    /// The rule: `rule`, or one of the shorthands every surface takes (`cron`, `every`, `at`),
    /// read as the API reads them. A `rule` that is an RFC 3339 instant alone means one fire
    /// at that instant.
    /// - Parameter now: when given, a one-shot instant before it is refused.
    static func rule(_ args: MCPArguments, required: Bool, now: Date? = nil) throws(MCPToolError) -> String? {
        let given = RuleShorthand.allCases.filter { args.has($0.rawValue) }
        if given.count > 1 {
            throw MCPToolError(field: given[1].rawValue, "give only one of rule, cron, every and at")
        }
        guard let shorthand = given.first else {
            if required { throw MCPToolError(field: "rule", "is required: give rule (or cron, every or at)") }
            return nil
        }
        let text = try args.string(shorthand.rawValue, required: true, max: 1000)!
        let oneShot = shorthand == .rule && PacerJSON.parse(text.trimmingCharacters(in: .whitespaces)) != nil
        do {
            return try (oneShot ? RuleShorthand.at : shorthand).rule(text, now: now)
        } catch {
            throw MCPToolError(field: shorthand.rawValue, error.message)
        }
    }

    /// The target the arguments give: `target`, or `agent` with `prompt`.
    /// - Parameters:
    ///   - args: the arguments.
    ///   - current: the stored target, when editing: `agent` or `prompt` alone change it.
    /// - Returns: the target, or `nil` when the arguments give none (and `current` is `nil`).
    static func target(_ args: MCPArguments, current: Target? = nil) throws(MCPToolError) -> Target? {
        let agent = try args.string("agent", max: 200), prompt = try args.string("prompt", max: 100_000)
        if args.has("target") {
            if agent != nil || prompt != nil {
                throw MCPToolError(field: agent != nil ? "agent" : "prompt", "give either target or agent + prompt, not both")
            }
            let target = try args.decoded(Target.self, "target")!
            try unknownKeys(args.object["target"]!, target, at: "target")
            return target
        }
        if agent == nil && prompt == nil { return current }
        if case .agent(var t)? = current {
            if let agent { t.agent = agent }
            if let prompt { t.prompt = prompt }
            return .agent(t)
        }
        guard let agent else {
            throw MCPToolError(field: "agent", current == nil ? "is required with prompt (or give target instead)"
                                                              : "is required: the schedule does not run an agent, so give agent with prompt")
        }
        guard let prompt else { throw MCPToolError(field: "prompt", "is required with agent") }
        return .agent(AgentTarget(agent: agent, prompt: prompt))
    }

    /// An object argument (`delivery`, `caps`) decoded and checked for unknown members.
    static func object<T: Codable>(_ type: T.Type, _ name: String, _ args: MCPArguments) throws(MCPToolError) -> T? {
        guard let value = try args.decoded(type, name) else { return nil }
        try unknownKeys(args.object[name]!, value, at: name)
        return value
    }

    /// Refuses members of `input` that the decoded value does not keep (they would be dropped
    /// silently otherwise).
    static func unknownKeys(_ input: JSONValue, _ decoded: some Encodable, at path: String) throws(MCPToolError) {
        guard let encoded = try? MCPViews.json(decoded) else { return }
        if let key = unknown(input, encoded, at: path).first {
            throw MCPToolError(field: key, "unknown member")
        }
    }

    private static func unknown(_ input: JSONValue, _ encoded: JSONValue?, at path: String) -> [String] {
        switch input {
        case .object(let object):
            guard case .object(let known)? = encoded else { return [] }
            return object.keys.sorted().flatMap { key -> [String] in
                guard let value = object[key], value != .null else { return [] }
                guard let other = known[key] else { return [path + "." + key] }
                return unknown(value, other, at: path + "." + key)
            }
        case .array(let array):
            guard case .array(let known)? = encoded else { return [] }
            return array.enumerated().flatMap { i, v in unknown(v, i < known.count ? known[i] : nil, at: "\(path)[\(i)]") }
        default:
            return []
        }
    }

    /// A stored definition's field by the tool's argument name: `timing.rule` is `rule`, and
    /// with the agent shorthand `target.agent` is `agent`.
    static func rename(_ field: String, shorthand: Bool) -> String {
        switch field {
        case "timing", "timing.rule": return "rule"
        case "timing.timezone": return "timezone"
        case "timing.max_fires": return "max_fires"
        case "target.agent" where shorthand: return "agent"
        case "target.prompt" where shorthand: return "prompt"
        default: return field
        }
    }

    /// Validates a definition as every writer does, then checks that an agent target's agent
    /// exists and that the caller may define it.
    /// - Throws: ``MCPToolError`` naming every field at fault, or the scope it lacks.
    static func check(_ schedule: Schedule, shorthand: Bool, context: MCPToolContext) async throws {
        do {
            try schedule.requireValid()
        } catch {
            throw MCPToolError.invalid(error) { rename($0, shorthand: shorthand) }
        }
        if case .agent(let t) = schedule.target {
            let agent = try await Lookup.agent(t.agent, in: context.store)
            if agent == nil {
                let known = try await context.store.agents().map(\.name).sorted()
                throw MCPToolError(field: shorthand ? "agent" : "target.agent", code: "invalid",
                                   "no agent named '\(t.agent.prefix(200))'; " + (known.isEmpty ? "there are no agents yet (pacer agents add)"
                                                                                                 : "the agents are: \(known.prefix(50).joined(separator: ", "))"))
            }
        }
        try await context.requirePrivilege(schedule) { rename($0, shorthand: shorthand) }
    }

    /// Runs a store write, naming fields of a validation error the tool's way.
    static func storing<T>(shorthand: Bool, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ValidationError {
            throw MCPToolError.invalid(error) { rename($0, shorthand: shorthand) }
        }
    }
}
