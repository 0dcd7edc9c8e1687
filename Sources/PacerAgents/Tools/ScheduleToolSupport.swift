import Foundation
import PacerCore

/// What the schedule tools share: which schedules an agent may manage, and how a schedule
/// looks to the model.
enum ScheduleAccess {
    /// A schedule the agent may manage: one it created (owner `agent:NAME`) or the one that
    /// started this session. Others are reported as not found, so an agent cannot probe or
    /// change schedules that are not its own.
    static func find(_ args: ToolArguments, context: ToolContext, field: String = "schedule",
                     defaultToOwn: Bool = false) async throws -> Schedule {
        let reference = try args.string(field, required: !defaultToOwn)
        guard let reference else {
            guard let own = context.schedule else { throw ToolArgumentError(field: field, "is required (this session has no schedule)") }
            // As stored now: the copy the run started with is behind after a change.
            return try await context.store.schedule(id: own.id) ?? own
        }
        let all = try await managed(context)
        if let found = all.first(where: { $0.id == reference || $0.name == reference }) { return found }
        throw ToolArgumentError(field: field, "no schedule '\(reference)' among this agent's schedules")
    }

    /// Every schedule the agent may manage.
    static func managed(_ context: ToolContext) async throws -> [Schedule] {
        try await context.store.schedules().filter { $0.owner == context.agentOwner || $0.id == context.schedule?.id }
    }

    /// A schedule as the model sees it.
    static func summary(_ schedule: Schedule, state: ScheduleState?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(schedule.id), "name": .string(schedule.name), "rule": .string(schedule.timing.rule),
            "timezone": .string(schedule.timing.timezone), "enabled": .bool(schedule.enabled),
            "target": .string(schedule.target.kind.rawValue), "owner": .string(schedule.owner),
        ]
        if case .agent(let target) = schedule.target {
            object["agent"] = .string(target.agent)
            object["prompt"] = .string(target.prompt)
        }
        if let maxFires = schedule.timing.maxFires { object["max_fires"] = .number(Double(maxFires)) }
        if let state {
            object["paused"] = .bool(state.isPaused)
            if let reason = state.pausedReason { object["paused_reason"] = .string(reason) }
            object["next_fire_at"] = state.nextFireAt.map { .string(PacerJSON.format($0)) } ?? .null
            object["fire_count"] = .number(Double(state.fireCount))
        }
        return .object(object)
    }

    /// A store error (validation, name taken) as the tool's error result.
    static func failure(_ error: any Error) -> ToolOutput {
        if let error = error as? ToolArgumentError { return error.output }
        if let error = error as? ValidationError {
            let fields: [JSONValue] = error.errors.map { .object(["field": .string($0.field), "message": .string($0.message)]) }
            return .failure("invalid schedule: \(error.description)", ["fields": .array(fields)])
        }
        return .failure(String(describing: error))
    }

    /// Whether a target is dangerous: it runs a program, calls an MCP tool, reads an
    /// environment variable or names a secret, or is HTTP with a method that changes things.
    static func isDangerous(_ target: Target) -> Bool {
        if !target.reach(at: "target").isEmpty { return true }
        switch target {
        case .command: return true
        case .http(let t): return !["GET", "HEAD", "OPTIONS"].contains(t.method.uppercased())
        case .agent, .monitor, .workflow: return false
        }
    }

    /// The scopes an agent writes schedules with: what an admin allowed it (`allow_all`), or
    /// `write`.
    static func scopes(of agent: Agent) -> Set<Scope> {
        agent.isPrivileged ? [.admin] : [.write]
    }

    /// Refuses a schedule the agent may not write: the same rule as every other surface
    /// (``PacerCore/Privilege``), with the agent's scopes and the server's settings.
    static func requireAllowed(_ schedule: Schedule, context: ToolContext) async throws {
        var named: Agent?
        if case .agent(let t) = schedule.target {
            // Found as runs find it: by id, then by name.
            if t.agent == context.agent.name || t.agent == context.agent.id {
                named = context.agent
            } else {
                named = try await context.store.agent(id: t.agent)
                if named == nil { named = try await context.store.agent(named: t.agent) }
            }
            if named == nil { throw ToolArgumentError(field: "target.agent", "no agent named '\(t.agent.prefix(200))'") }
        }
        switch Privilege.check(schedule, agent: named, scopes: scopes(of: context.agent), policy: context.policy) {
        case nil: return
        case .forbidden(_, let field, let message)?: throw ToolArgumentError(field: field, message + " (this agent may not write it)")
        case .invalid(let errors)?: throw ValidationError(errors)
        }
    }

    /// The target a tool call names in `target`, if any.
    static func target(_ args: ToolArguments) throws -> Target? {
        guard let value = args.object["target"], value != .null else { return nil }
        do {
            return try PacerJSON.decode(Target.self, from: try PacerJSON.encode(value))
        } catch {
            throw ToolArgumentError(field: "target", PacerJSON.describe(error))
        }
    }

    static let scheduleReference: JSONValue = [
        "type": "string", "description": "The schedule's id or name (default: the schedule that started this session).",
    ]
}
