import Foundation
import PacerCore
import PostgresNIO
import Recurrence

extension PostgresStore {
    /// One transaction: lock the due states with `FOR UPDATE SKIP LOCKED` (replicas claiming
    /// at once take disjoint sets, none waits), record the runs in one statement, advance
    /// the next fires in one statement, record the events and `NOTIFY`.
    public func claimDue(now: Date, limit: Int, owner: String) async throws -> [Run] {
        guard limit > 0 else { return [] }
        let nowMillis = PostgresSchema.millis(now)
        return try await write { c in
            let due = try await c.query("""
                SELECT s.definition, st.next_fire_at, st.fire_count
                FROM schedule_states st JOIN schedules s ON s.id = st.schedule_id
                WHERE st.next_fire_at IS NOT NULL AND st.next_fire_at <= \(nowMillis)
                  AND s.enabled AND st.paused_reason IS NULL
                ORDER BY st.next_fire_at, st.schedule_id
                LIMIT \(Int64(limit))
                FOR UPDATE OF st SKIP LOCKED
                """, logger: logger).collect()
            guard !due.isEmpty else { return [] }
            var runs: [Run] = []
            var nextFires: [Int64] = [], hasNext: [Bool] = []
            runs.reserveCapacity(due.count)
            for row in due {
                let (definition, scheduledMillis, fireCount) = try row.decode((String, Int64, Int64).self)
                let schedule = try PostgresSchema.decode(Schedule.self, definition)
                var run = Run(id: PacerID.make(.run, at: now), scheduleID: schedule.id,
                              scheduledAt: PostgresSchema.date(scheduledMillis)!)
                run.owner = owner
                let seconds = scheduledMillis >= 0 ? scheduledMillis / 1000 : (scheduledMillis - 999) / 1000
                let next = try schedule.cadence().next(after: seconds, firedCount: Int(fireCount) + 1)
                nextFires.append((next ?? 0) * 1000)
                hasNext.append(next != nil)
                runs.append(run)
            }
            try await self.insertRuns(runs, c)
            let ids = runs.map(\.scheduleID), fired = runs.map { PostgresSchema.millis($0.scheduledAt) }
            try await c.query("""
                UPDATE schedule_states st
                SET next_fire_at = CASE WHEN t.has THEN t.next END, last_fire_at = t.fired, fire_count = st.fire_count + 1
                FROM unnest(\(ids)::text[], \(nextFires)::bigint[], \(hasNext)::boolean[], \(fired)::bigint[])
                     AS t(id, next, has, fired)
                WHERE st.schedule_id = t.id
                """, logger: logger)
            try await self.record(runs.map { (.runQueued, $0.id) }, at: now, c)
            return runs
        }
    }

    public func states() async throws -> [ScheduleState] {
        try await read("SELECT \(unescaped: PostgresSchema.stateColumns) FROM schedule_states ORDER BY schedule_id")
            .map(PostgresSchema.state)
    }

    public func setNextFire(scheduleID: String, at: Date?) async throws {
        let now = clock()
        try await write { c in
            let updated = try await c.query("""
                UPDATE schedule_states SET next_fire_at = \(at.map(PostgresSchema.millis))
                WHERE schedule_id = \(scheduleID) RETURNING schedule_id
                """, logger: logger).collect()
            guard !updated.isEmpty else { throw StoreError.scheduleNotFound(scheduleID) }
            try await self.record([(.scheduleStateChanged, scheduleID)], at: now, c)
        }
    }

    public func setPaused(scheduleID: String, reason: String?) async throws {
        let now = clock()
        try await write { c in
            let updated = try await c.query("""
                UPDATE schedule_states SET paused_reason = \(reason),
                    consecutive_failures = CASE WHEN \(reason)::text IS NULL THEN 0 ELSE consecutive_failures END
                WHERE schedule_id = \(scheduleID) RETURNING schedule_id
                """, logger: logger).collect()
            guard !updated.isEmpty else { throw StoreError.scheduleNotFound(scheduleID) }
            try await self.record([(.scheduleStateChanged, scheduleID)], at: now, c)
        }
    }

    /// Inserts runs in one statement; a unique violation becomes
    /// ``StoreError/duplicateRun(scheduleID:scheduledAt:attempt:itemKey:)``, a missing
    /// schedule ``StoreError/scheduleNotFound(_:)``.
    func insertRuns(_ runs: [Run], _ c: PostgresConnection) async throws {
        let rows = String(decoding: try JSONEncoder().encode(runs.map(RunRow.init)), as: UTF8.self)
        do {
            try await c.query("""
                INSERT INTO runs (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
                                  started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id)
                SELECT id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
                       started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id
                FROM json_to_recordset(\(rows)::json) AS t(
                    id text, schedule_id text, scheduled_at bigint, fires_at bigint, attempt bigint, item_key text,
                    status text, trigger text, owner text, started_at bigint, finished_at bigint, heartbeat_at bigint,
                    output text, error text, delivery_error text, session_id text)
                """, logger: logger)
        } catch let error where Self.sqlState(error)?.constraint == "runs_fire_key" && runs.count == 1 {
            let r = runs[0]
            throw StoreError.duplicateRun(scheduleID: r.scheduleID, scheduledAt: r.scheduledAt, attempt: r.attempt, itemKey: r.itemKey)
        } catch let error where Self.sqlState(error)?.state == "23503" && runs.count == 1 {
            throw StoreError.scheduleNotFound(runs[0].scheduleID)
        }
    }
}

/// A run as a row of `json_to_recordset` (absent members are NULL).
private struct RunRow: Encodable {
    var id, schedule_id: String
    var scheduled_at, fires_at, attempt: Int64
    var item_key, status, trigger: String
    var owner: String?
    var started_at, finished_at, heartbeat_at: Int64?
    var output, error, delivery_error, session_id: String?

    init(_ r: Run) {
        id = r.id; schedule_id = r.scheduleID
        scheduled_at = PostgresSchema.millis(r.scheduledAt); fires_at = PostgresSchema.millis(r.firesAt)
        attempt = Int64(r.attempt); item_key = r.itemKey ?? ""; status = r.status.rawValue; trigger = r.trigger.rawValue
        owner = r.owner
        started_at = r.startedAt.map(PostgresSchema.millis); finished_at = r.finishedAt.map(PostgresSchema.millis)
        heartbeat_at = r.heartbeatAt.map(PostgresSchema.millis)
        output = r.output; error = r.error; delivery_error = r.deliveryError; session_id = r.sessionID
    }
}
