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
            guard let date, DefinitionJSON.writable.contains(date) else { return .null }
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
