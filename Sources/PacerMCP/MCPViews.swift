import Foundation
import PacerCore
import PacerStore
import Recurrence

/// How schedules, runs and sessions look in the tools' results: the stored wire JSON, with
/// the English description of the rule and the runtime state next to a schedule.
enum MCPViews {
    /// Most characters of a run's output or a session's last text in a list.
    static let excerptLimit = 2000

    /// A value as JSON (the same members as the REST API and the store).
    static func json(_ value: some Encodable) throws -> JSONValue {
        try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(value))
    }

    /// The whole schedule: its definition, the rule's description, its state and next fires.
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - store: where its state is read.
    ///   - upcoming: how many next fires to list.
    static func schedule(_ schedule: Schedule, store: any Store, upcoming: Int = 3) async throws -> JSONValue {
        guard case .object(var object) = try json(schedule) else { return .null }
        let state = try await store.state(scheduleID: schedule.id)
        object["description"] = description(schedule).map { .string($0) } ?? .null
        object["state"] = self.state(state)
        object["next_fires"] = .array(nextFires(schedule, after: state?.nextFireAt, count: upcoming).map { .string($0) })
        return .object(object)
    }

    /// A schedule in a list: who, when, what, and where it stands.
    static func summary(_ schedule: Schedule, state: ScheduleState?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(schedule.id), "name": .string(schedule.name), "owner": .string(schedule.owner),
            "rule": .string(schedule.timing.rule), "timezone": .string(schedule.timing.timezone),
            "description": description(schedule).map { .string($0) } ?? .null,
            "enabled": .bool(schedule.enabled), "target": .string(schedule.target.kind.rawValue),
            "revision": .number(Double(schedule.revision)),
        ]
        if case .agent(let t) = schedule.target { object["agent"] = .string(t.agent) }
        if case .object(let s) = self.state(state) { object.merge(s) { _, new in new } }
        return .object(object)
    }

    /// The runtime state's members (`paused`, `next_fire_at`, ...).
    static func state(_ state: ScheduleState?) -> JSONValue {
        guard let state else { return .null }
        func instant(_ d: Date?) -> JSONValue { d.map { .string(PacerJSON.format($0)) } ?? .null }
        return .object([
            "paused": .bool(state.isPaused), "paused_reason": state.pausedReason.map { .string($0) } ?? .null,
            "next_fire_at": instant(state.nextFireAt), "last_fire_at": instant(state.lastFireAt),
            "last_status": state.lastStatus.map { .string($0.rawValue) } ?? .null,
            "fire_count": .number(Double(state.fireCount)), "consecutive_failures": .number(Double(state.consecutiveFailures)),
        ])
    }

    /// The rule in English, or `nil` when it does not evaluate.
    static func description(_ schedule: Schedule) -> String? {
        try? schedule.cadence().describe()
    }

    /// The nominal fires from `start` on (the state's next fire), in the schedule's zone.
    static func nextFires(_ schedule: Schedule, after start: Date?, count: Int) -> [String] {
        guard count > 0, let start, let cadence = try? schedule.cadence(), let zone = try? schedule.timing.zone() else { return [] }
        var out = [Timestamp.format(Int64(start.timeIntervalSince1970.rounded(.down)), in: zone)]
        for fire in cadence.fires(after: Int64(start.timeIntervalSince1970.rounded(.down))) {
            if out.count >= count { break }
            out.append(Timestamp.format(fire.scheduledAt, in: zone))
        }
        return out
    }

    /// A run, with its output cut to ``excerptLimit`` characters.
    static func run(_ run: Run) throws -> JSONValue {
        var r = run
        if let output = r.output, output.count > excerptLimit { r.output = String(output.prefix(excerptLimit)) + "…" }
        return try json(r)
    }

    /// A session in a list: no transcript, its usage and last assistant text.
    static func sessionSummary(_ s: Session) -> JSONValue {
        func instant(_ d: Date?) -> JSONValue { d.map { .string(PacerJSON.format($0)) } ?? .null }
        return .object([
            "id": .string(s.id), "agent_id": .string(s.agentID), "schedule_id": s.scheduleID.map { .string($0) } ?? .null,
            "item_key": s.itemKey.map { .string($0) } ?? .null, "state": .string(s.state.rawValue),
            "input_tokens": .number(Double(s.inputTokens)), "output_tokens": .number(Double(s.outputTokens)),
            "cost": .number(s.cost), "turns": .number(Double(s.messages.count(where: { $0.role == .assistant }))),
            "created_at": instant(s.createdAt), "updated_at": instant(s.updatedAt), "resume_at": instant(s.resumeAt),
            "previous_session_id": s.previousSessionID.map { .string($0) } ?? .null,
            "last_text": s.lastText.map { .string(String($0.prefix(excerptLimit))) } ?? .null,
        ])
    }

    /// The whole session (transcript, tool log, events, tokens, cost) with the names of its
    /// agent and schedule when they still exist.
    static func session(_ s: Session, store: any Store) async throws -> JSONValue {
        guard case .object(var object) = try json(s) else { return .null }
        object["agent_name"] = try await store.agent(id: s.agentID).map { .string($0.name) } ?? .null
        if let id = s.scheduleID {
            object["schedule_name"] = try await store.schedule(id: id).map { .string($0.name) } ?? .null
        }
        object["total_tokens"] = .number(Double(s.totalTokens))
        return .object(object)
    }
}
