import Foundation
import PacerCore
import PacerOperations
import PacerStore
import Recurrence

/// What the API returns for a schedule: every member of the stored definition, plus its
/// runtime `state` and `description`, the rule in English (`null` when it cannot be
/// described). Encoded beside the definition's own members, so numbers keep their exact
/// value.
struct ScheduleView: Encodable {
    let schedule: Schedule
    let state: JSONValue
    let description: String?

    private enum Keys: String, CodingKey { case state, description }

    func encode(to encoder: any Encoder) throws {
        try schedule.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(state, forKey: .state)
        try c.encode(description, forKey: .description)
    }

    /// The view of a schedule.
    /// - Parameters:
    ///   - schedule: the definition.
    ///   - state: its runtime state (a fresh one when the store has none).
    static func json(_ schedule: Schedule, state: ScheduleState?) throws -> ScheduleView {
        ScheduleView(schedule: schedule, state: stateJSON(state ?? ScheduleState(scheduleID: schedule.id)),
                     description: try? schedule.cadence().describe())
    }

    /// A state with every member present (`null` when unset), so a client never has to tell
    /// a missing member from an empty one.
    static func stateJSON(_ state: ScheduleState) -> JSONValue {
        // A fire past the year 9999 cannot be written in RFC 3339: as good as never.
        let instant = { (date: Date?) -> JSONValue in
            guard let date, DefinitionDecoding.writable.contains(date) else { return .null }
            return .string(PacerJSON.format(date))
        }
        return [
            "schedule_id": .string(state.scheduleID),
            "next_fire_at": instant(state.nextFireAt),
            "last_fire_at": instant(state.lastFireAt),
            "last_status": state.lastStatus.map { .string($0.rawValue) } ?? .null,
            "fire_count": .number(Double(state.fireCount)),
            "consecutive_failures": .number(Double(state.consecutiveFailures)),
            "paused_reason": state.pausedReason.map(JSONValue.string) ?? .null,
        ]
    }

    /// The view of a schedule read back from the store.
    static func json(_ schedule: Schedule, store: any Store) async throws -> ScheduleView {
        try json(schedule, state: try await store.state(scheduleID: schedule.id))
    }

    /// The views of several schedules, reading their states in one query when there are many.
    static func json(_ schedules: [Schedule], store: any Store) async throws -> [ScheduleView] {
        if schedules.count <= 20 {
            var out: [ScheduleView] = []
            for s in schedules { out.append(try await json(s, store: store)) }
            return out
        }
        let states = Dictionary(try await store.states().map { ($0.scheduleID, $0) }, uniquingKeysWith: { a, _ in a })
        return try schedules.map { try json($0, state: states[$0.id]) }
    }
}

extension Store {
    /// The schedule with that id, or else that name.
    /// - Throws: ``APIError`` 404.
    func apiSchedule(_ idOrName: String) async throws -> Schedule {
        if let s = try await Lookup.schedule(idOrName, in: self) { return s }
        throw APIError.notFound("schedule", String(idOrName.prefix(200)))
    }

    /// The agent with that id, or else that name, or `nil`.
    func apiAgent(_ idOrName: String) async throws -> Agent? {
        try await Lookup.agent(idOrName, in: self)
    }
}

/// The checks a schedule definition passes before it is stored: its agent exists, and the
/// caller may define it (``Privilege``).
enum ScheduleChecks {
    /// - Throws: ``APIError`` 422 (`target.agent`) for an unknown agent, 403 naming the scope
    ///   the definition needs.
    static func require(_ schedule: Schedule, caller: Caller, services: APIServices) async throws {
        if case .agent(let t) = schedule.target, try await services.store.apiAgent(t.agent) == nil {
            throw DefinitionDecoding.invalid("target.agent", "no agent named '\(t.agent.prefix(200))'; create it first with POST /v1/agents")
        }
        try await requirePrivilege(schedule, caller: caller, services: services)
    }

    /// - Throws: ``APIError`` 403 naming the scope the definition needs, when the caller
    ///   lacks it; 422 naming each field the server's settings refuse.
    static func requirePrivilege(_ schedule: Schedule, caller: Caller, services: APIServices) async throws {
        var agent: Agent?
        if case .agent(let t) = schedule.target { agent = try await services.store.apiAgent(t.agent) }
        if let refusal = Privilege.check(schedule, agent: agent, scopes: caller.scopes, policy: services.policy) {
            throw APIError(refusal)
        }
    }
}
