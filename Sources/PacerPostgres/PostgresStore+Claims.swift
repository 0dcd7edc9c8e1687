import Foundation
import PacerCore
import PacerStore
import PostgresNIO
import Recurrence
import Synchronization

extension PostgresStore {
    /// One transaction of three statements: lock the due states with `FOR UPDATE SKIP LOCKED`
    /// (replicas claiming at once take disjoint sets, none waits); then, in one statement,
    /// record the runs, advance the next fires, take the event lock, record the events and
    /// `NOTIFY`. Plans come from ``plans`` keyed by schedule, revision and the
    /// definition's digest, so a definition is read and decoded only on a miss (a fourth
    /// statement, for the missing ones).
    public func claimDue(now: Date, limit: Int, owner: String, start: Bool, deciding clock: Date?) async throws -> [Run] {
        guard limit > 0 else { return [] }
        let nowMillis = PostgresSchema.millis(now)
        return try await write { c in
            // The states are locked and limited first (in index order), then joined to their
            // schedules' revisions and definition digests: only the batch's rows are read.
            let due = try await c.query("""
                WITH due AS (
                    SELECT st.schedule_id, st.next_fire_at, st.fire_count
                    FROM schedule_states st
                    WHERE st.next_fire_at IS NOT NULL AND st.next_fire_at <= \(nowMillis)
                      AND st.paused_reason IS NULL
                      AND EXISTS (SELECT 1 FROM schedules s WHERE s.id = st.schedule_id AND s.enabled)
                    ORDER BY st.next_fire_at, st.schedule_id
                    LIMIT \(Int64(limit))
                    FOR UPDATE OF st SKIP LOCKED)
                SELECT due.schedule_id, s.revision, md5(s.definition), due.next_fire_at, due.fire_count
                FROM due JOIN schedules s ON s.id = due.schedule_id
                ORDER BY due.next_fire_at, due.schedule_id
                """, logger: self.logger).collect()
            guard !due.isEmpty else { return [] }
            var rows: [(key: PostgresPlanCache.Key, scheduledMillis: Int64, fireCount: Int64)] = []
            rows.reserveCapacity(due.count)
            for row in due {
                let (id, revision, digest, scheduledMillis, fireCount) = try row.decode((String, Int64, String, Int64, Int64).self)
                rows.append((.init(id: id, revision: revision, digest: digest), scheduledMillis, fireCount))
            }
            var found = self.plans.lookup(rows.map(\.key))
            let missing = rows.map(\.key.id).filter { found[$0] == nil }
            if !missing.isEmpty {
                let definitions = try await c.query("""
                    SELECT id, revision, md5(definition), definition FROM schedules WHERE id = ANY(\(missing)::text[])
                    """, logger: self.logger).collect()
                var decoded: [(PostgresPlanCache.Key, ClaimPlan)] = []
                var broken: [(String, String)] = []
                for row in definitions {
                    let (id, revision, digest, definition) = try row.decode((String, Int64, String, String).self)
                    // One schedule's bad state never stops the claiming of the others.
                    do {
                        let plan = try ClaimPlan(stored: Data(definition.utf8))
                        found[id] = plan
                        decoded.append((.init(id: id, revision: revision, digest: digest), plan))
                    } catch {
                        broken.append((id, "paused: its rule cannot be evaluated (\(error))"))
                    }
                }
                self.plans.store(decoded)
                if !broken.isEmpty {
                    try await c.query("""
                        UPDATE schedule_states st SET paused_reason = t.reason
                        FROM unnest(\(broken.map(\.0))::text[], \(broken.map(\.1))::text[]) AS t(id, reason)
                        WHERE st.schedule_id = t.id
                        """, logger: self.logger)
                    try await self.record(broken.map { (.scheduleStateChanged, $0.0) }, at: now, c)
                    rows.removeAll { row in broken.contains { $0.0 == row.key.id } }
                }
            }
            var runs: [Run] = []
            var nextFires: [Int64] = [], hasNext: [Bool] = [], statuses: [String] = []
            var kinds: [String] = [], entities: [String] = []
            runs.reserveCapacity(rows.count)
            for row in rows {
                guard let plan = found[row.key.id] else { continue }
                let decision = plan.decide(scheduledMillis: row.scheduledMillis, fireCount: Int(row.fireCount), now: clock)
                let run = decision.run(scheduleID: row.key.id, scheduledAt: PostgresSchema.date(row.scheduledMillis)!,
                                       owner: owner, start: start, now: now)
                nextFires.append((decision.next ?? 0) * 1000)
                hasNext.append(decision.next != nil)
                statuses.append(decision.status?.rawValue ?? "")
                let kind: Event.Kind = run.status.isTerminal ? .runFinished : start ? .runStarted : .runQueued
                kinds.append(kind.rawValue)
                entities.append(run.id)
                if decision.misfired {
                    kinds.append(Event.Kind.scheduleStateChanged.rawValue)
                    entities.append(run.scheduleID)
                }
                runs.append(run)
            }
            let ids = runs.map(\.scheduleID), fired = runs.map { PostgresSchema.millis($0.scheduledAt) }
            // `lk` waits for both writes (the aggregates), so the event lock is taken last and
            // the sequences are drawn under it, in the runs' order.
            guard !runs.isEmpty else { return [] }
            let inserted: [String]
            do {
                // A fire that has its run already is passed over (ON CONFLICT), and the others go on.
                inserted = try await c.query("""
                    WITH ins AS (
                        INSERT INTO runs (\(unescaped: Self.runColumns))
                        SELECT \(unescaped: Self.runColumns)
                        FROM json_to_recordset(\(try Self.runRows(runs))::json) AS t(\(unescaped: Self.runRecordType))
                        ON CONFLICT ON CONSTRAINT runs_fire_key DO NOTHING
                        RETURNING id),
                    adv AS (
                        UPDATE schedule_states st
                        SET next_fire_at = CASE WHEN t.has THEN t.next END, last_fire_at = t.fired,
                            fire_count = st.fire_count + 1, last_status = COALESCE(NULLIF(t.status, ''), st.last_status)
                        FROM unnest(\(ids)::text[], \(nextFires)::bigint[], \(hasNext)::boolean[], \(fired)::bigint[],
                                    \(statuses)::text[])
                             AS t(id, next, has, fired, status)
                        WHERE st.schedule_id = t.id
                        RETURNING 1),
                    lk AS (
                        SELECT pg_advisory_xact_lock(\(PostgresSchema.eventLock)) AS locked
                        FROM (SELECT count(*) FROM ins) AS a, (SELECT count(*) FROM adv) AS b),
                    ev AS (
                        INSERT INTO events (kind, entity_id, at)
                        SELECT t.kind, t.entity_id, \(nowMillis)
                        FROM unnest(\(kinds)::text[], \(entities)::text[]) WITH ORDINALITY AS t(kind, entity_id, n), lk
                        WHERE t.entity_id IN (SELECT id FROM ins) OR t.kind = \(Event.Kind.scheduleStateChanged.rawValue)
                        ORDER BY t.n
                        RETURNING sequence),
                    nt AS (SELECT pg_notify(\(PostgresSchema.channel), max(sequence)::text) FROM ev)
                    SELECT id FROM ins, (SELECT count(*) FROM nt) AS n
                    """, logger: self.logger).collect().map { try $0.decode(String.self) }
            } catch {
                throw Self.insertError(error, runs)
            }
            let kept = Set(inserted)
            return runs.filter { kept.contains($0.id) }
        }
    }

    public func states() async throws -> [ScheduleState] {
        try await read("SELECT \(unescaped: PostgresSchema.stateColumns) FROM schedule_states ORDER BY schedule_id")
            .map(PostgresSchema.state)
    }

    public func setNextFire(scheduleID: String, at: Date?) async throws {
        let now = clock.now()
        try await write { c in
            let updated = try await c.query("""
                UPDATE schedule_states SET next_fire_at = \(at.map(PostgresSchema.millis))
                WHERE schedule_id = \(scheduleID) RETURNING schedule_id
                """, logger: self.logger).collect()
            guard !updated.isEmpty else { throw StoreError.scheduleNotFound(scheduleID) }
            try await self.record([(.scheduleStateChanged, scheduleID)], at: now, c)
        }
    }

    public func setPaused(scheduleID: String, reason: String?) async throws {
        let now = clock.now()
        try await write { c in
            let updated = try await c.query("""
                UPDATE schedule_states SET paused_reason = \(reason),
                    consecutive_failures = CASE WHEN \(reason)::text IS NULL THEN 0 ELSE consecutive_failures END
                WHERE schedule_id = \(scheduleID) RETURNING schedule_id
                """, logger: self.logger).collect()
            guard !updated.isEmpty else { throw StoreError.scheduleNotFound(scheduleID) }
            try await self.record([(.scheduleStateChanged, scheduleID)], at: now, c)
        }
    }

    /// Inserts runs in one statement; a unique violation becomes
    /// ``StoreError/duplicateRun(scheduleID:scheduledAt:attempt:itemKey:)``, a missing
    /// schedule ``StoreError/scheduleNotFound(_:)``.
    func insertRuns(_ runs: [Run], _ c: PostgresConnection) async throws {
        do {
            try await c.query("""
                INSERT INTO runs (\(unescaped: Self.runColumns))
                SELECT \(unescaped: Self.runColumns)
                FROM json_to_recordset(\(try Self.runRows(runs))::json) AS t(\(unescaped: Self.runRecordType))
                """, logger: self.logger)
        } catch {
            throw Self.insertError(error, runs)
        }
    }

    /// The record type of ``runRows(_:)`` for `json_to_recordset` (absent members are NULL).
    static let runRecordType = """
        id text, schedule_id text, scheduled_at bigint, fires_at bigint, attempt bigint, item_key text,
        status text, trigger text, owner text, started_at bigint, finished_at bigint, heartbeat_at bigint,
        output text, error text, delivery_error text, session_id text, step bigint, state text
        """

    /// Runs as a JSON array of rows.
    static func runRows(_ runs: [Run]) throws -> String {
        String(decoding: try JSONEncoder().encode(runs.map(RunRow.init)), as: UTF8.self)
    }

    /// A failed insert of `runs` as the store reports it: a unique violation of a single run
    /// becomes ``StoreError/duplicateRun(scheduleID:scheduledAt:attempt:itemKey:)``, a missing
    /// schedule ``StoreError/scheduleNotFound(_:)``; anything else as it was thrown.
    static func insertError(_ error: any Error, _ runs: [Run]) -> any Error {
        guard runs.count == 1, let state = sqlState(error) else { return error }
        let r = runs[0]
        if state.constraint == "runs_fire_key" {
            return StoreError.duplicateRun(scheduleID: r.scheduleID, scheduledAt: r.scheduledAt, attempt: r.attempt, itemKey: r.itemKey)
        }
        if state.state == "23503" { return StoreError.scheduleNotFound(r.scheduleID) }
        return error
    }
}

/// Decoded claim plans by schedule, revision and definition digest (`md5`), shared by the
/// store's claims so a definition is decoded once per revision, not once per fire.
final class PostgresPlanCache: Sendable {
    struct Key: Hashable, Sendable {
        var id: String, revision: Int64, digest: String
    }

    private let entries = Mutex<[String: (key: Key, plan: ClaimPlan)]>([:])

    /// The cached plans of `keys`, by schedule id; a stale or absent entry is left out.
    func lookup(_ keys: [Key]) -> [String: ClaimPlan] {
        entries.withLock { e in
            var out: [String: ClaimPlan] = [:]
            out.reserveCapacity(keys.count)
            for key in keys { if let hit = e[key.id], hit.key == key { out[key.id] = hit.plan } }
            return out
        }
    }

    func store(_ decoded: [(Key, ClaimPlan)]) {
        guard !decoded.isEmpty else { return }
        entries.withLock { e in for (key, plan) in decoded { e[key.id] = (key, plan) } }
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
    var step: Int64
    var state: String?

    init(_ r: Run) {
        id = r.id; schedule_id = r.scheduleID
        scheduled_at = PostgresSchema.millis(r.scheduledAt); fires_at = PostgresSchema.millis(r.firesAt)
        attempt = Int64(r.attempt); item_key = r.itemKey ?? ""; status = r.status.rawValue; trigger = r.trigger.rawValue
        owner = r.owner
        started_at = r.startedAt.map(PostgresSchema.millis); finished_at = r.finishedAt.map(PostgresSchema.millis)
        heartbeat_at = r.heartbeatAt.map(PostgresSchema.millis)
        output = r.output; error = r.error; delivery_error = r.deliveryError; session_id = r.sessionID
        step = Int64(r.step); state = r.state.flatMap { try? PostgresSchema.json($0) }
    }
}
