import Foundation
import PacerCore
import PostgresNIO

extension PostgresStore {
    /// The due sessions are taken `FOR UPDATE SKIP LOCKED`, so concurrent callers split them
    /// and a session woken by one is no longer `waiting` when the other's lock would be
    /// granted. Their schedules are held `FOR KEY SHARE` until commit, so a schedule deleted
    /// meanwhile is either seen as gone (its session cancelled) or waits for the runs. Wakers
    /// placing runs of one schedule take turns (``PostgresSchema/wakeLockClass``): one that
    /// waited sees the other's runs and moves past them. Sessions of a paused or disabled
    /// schedule keep waiting until it is resumed.
    public func wakeSessions(now: Date, limit: Int) async throws -> [Run] {
        guard limit > 0 else { return [] }
        return try await write { c in
            let due = try await c.query("""
                SELECT document FROM sessions
                WHERE state = 'waiting' AND resume_at IS NOT NULL AND resume_at <= \(PostgresSchema.millis(now))
                  AND \(unescaped: PostgresSchema.scheduleNotHeld)
                ORDER BY resume_at, id LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
                """, logger: self.logger).collect().map(Self.session)
            guard !due.isEmpty else { return [] }
            let scheduleIDs = Array(Set(due.compactMap(\.scheduleID)))
            let live = Set(try await c.query("""
                SELECT id FROM schedules WHERE id = ANY(\(scheduleIDs)::text[]) FOR KEY SHARE
                """, logger: self.logger).collect().map { try $0.decode(String.self) })
            var woken: [Session] = []
            var runs: [Run] = []
            var events: [(Event.Kind, String)] = []
            for var s in due {
                s.updatedAt = now
                if let scheduleID = s.scheduleID, live.contains(scheduleID) {
                    s.state = .pending
                    let at = PostgresSchema.date(PostgresSchema.millis(s.resumeAt ?? now))!
                    let run = SessionWake.run(session: s.id, scheduleID: scheduleID, itemKey: s.itemKey, at: at, now: now)
                    runs.append(run)
                    events += [(.sessionChanged, s.id), (.runQueued, run.id)]
                } else {
                    s.state = .cancelled
                    s.events.append(SessionWake.cancelled(at: now))
                    events.append((.sessionChanged, s.id))
                }
                woken.append(s)
            }
            try await self.saveSessions(woken, c)
            try await c.query("""
                SELECT pg_advisory_xact_lock(\(PostgresSchema.wakeLockClass), k)
                FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest(\(runs.map(\.scheduleID))::text[]) AS id) AS keys
                ORDER BY k
                """, logger: self.logger)
            let inserted = try await self.insertShifting(runs, c)
            try await self.record(events, at: now, c)
            return inserted
        }
    }

    /// Inserts resume runs in order, each at the first free instant from its scheduled one on
    /// (1 ms steps past runs holding the (schedule, instant, attempt 1, item) key). A key taken
    /// meanwhile by a concurrent insert is skipped (`ON CONFLICT DO NOTHING` waits for it, and
    /// no error aborts the transaction) and the next free instant is tried.
    /// - Returns: the runs as inserted.
    func insertShifting(_ runs: [Run], _ c: PostgresConnection) async throws -> [Run] {
        var out: [Run] = []
        for var run in runs {
            let (s, t, i) = (run.scheduleID, PostgresSchema.millis(run.scheduledAt), run.itemKey ?? "")
            while true {
                let landed = try await c.query("""
                    WITH free AS (
                        SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM runs WHERE schedule_id = \(s) AND scheduled_at = \(t)
                                                      AND attempt = 1 AND item_key = \(i))
                                    THEN \(t)::int8
                                    ELSE (SELECT min(r.scheduled_at) + 1 FROM runs r
                                          WHERE r.schedule_id = \(s) AND r.attempt = 1 AND r.item_key = \(i)
                                            AND r.scheduled_at >= \(t)
                                            AND NOT EXISTS (SELECT 1 FROM runs n WHERE n.schedule_id = \(s) AND n.attempt = 1
                                                              AND n.item_key = \(i) AND n.scheduled_at = r.scheduled_at + 1))
                               END AS at)
                    INSERT INTO runs (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, session_id)
                    SELECT \(run.id), \(s), free.at, free.at, 1, \(i), \(run.status.rawValue), \(run.trigger.rawValue),
                           \(run.sessionID)
                    FROM free
                    ON CONFLICT ON CONSTRAINT runs_fire_key DO NOTHING
                    RETURNING scheduled_at
                    """, logger: self.logger).collect().first
                guard let landed else { continue }
                run.scheduledAt = PostgresSchema.date(try landed.decode(Int64.self))!
                run.firesAt = run.scheduledAt
                out.append(run)
                break
            }
        }
        return out
    }

    /// Ends the still `running` or `pending` sessions of abandoned runs in `error`, each with
    /// an `abandoned` event, inside the caller's transaction.
    /// - Returns: the ids of the sessions ended.
    func abandonSessions(of runs: [Run], at: Date, _ c: PostgresConnection) async throws -> [String] {
        let runBySession = Dictionary(runs.compactMap { r in r.sessionID.map { ($0, r.id) } }, uniquingKeysWith: { a, _ in a })
        guard !runBySession.isEmpty else { return [] }
        let states = SessionWake.abandonable.map(\.rawValue)
        let live = try await c.query("""
            SELECT document FROM sessions WHERE id = ANY(\(Array(runBySession.keys))::text[])
              AND state = ANY(\(states)::text[])
            ORDER BY id FOR UPDATE
            """, logger: self.logger).collect().map(Self.session)
        let ended = live.map { s in
            var s = s
            s.state = .error
            s.events.append(SessionWake.abandoned(runID: runBySession[s.id]!, at: at))
            s.updatedAt = at
            return s
        }
        try await saveSessions(ended, c)
        return ended.map(\.id)
    }

    /// Writes sessions' state and document in one statement (their resume instants are kept).
    func saveSessions(_ sessions: [Session], _ c: PostgresConnection) async throws {
        guard !sessions.isEmpty else { return }
        let ids = sessions.map(\.id), states = sessions.map(\.state.rawValue)
        let updated = sessions.map { PostgresSchema.millis($0.updatedAt) }
        let documents = try sessions.map { try PostgresSchema.json($0) }
        try await c.query("""
            UPDATE sessions s SET state = t.state, updated_at = t.updated_at, document = t.document
            FROM unnest(\(ids)::text[], \(states)::text[], \(updated)::int8[], \(documents)::text[])
                AS t(id, state, updated_at, document)
            WHERE s.id = t.id
            """, logger: self.logger)
    }
}
