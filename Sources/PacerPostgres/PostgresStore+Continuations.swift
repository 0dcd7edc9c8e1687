import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func fireRuns(of runID: String) async throws -> [Run] {
        try await withConnection { c in try await self.fire(of: runID, c) }
    }

    public func cancelFire(of runID: String, reason: String, at: Date) async throws -> [Run] {
        try await write { c in
            let seen = try await self.fire(of: runID, c)
            // Sessions first, then runs: the order `updateSession` takes them in.
            let ids = Array(Set(seen.compactMap(\.sessionID))).sorted()
            var ended: [Session] = []
            if !ids.isEmpty {
                ended = try await c.query("""
                    SELECT document FROM sessions WHERE id = ANY(\(ids)::text[]) AND state IN ('pending', 'running', 'waiting')
                    ORDER BY id FOR UPDATE
                    """, logger: self.logger).collect().map(Self.session).map { s in
                    var s = s
                    s.events.append(SessionEvent(at: at, kind: .stateChanged, detail: [
                        "from": .string(s.state.rawValue), "to": "cancelled", "reason": .string(reason)]))
                    s.state = .cancelled
                    s.updatedAt = at
                    return s
                }
                try await self.saveSessions(ended, c)
            }
            // Each statement sees what committed before it began: a finish that was queueing
            // the next step while this waited for its row is seen by the next round.
            var cancelled: [String] = []
            for _ in 0..<8 {
                let round = try await c.query("""
                    UPDATE runs SET status = 'cancelled', finished_at = \(PostgresSchema.millis(at)), error = \(reason)
                    WHERE (schedule_id, scheduled_at, item_key) = (SELECT schedule_id, scheduled_at, item_key FROM runs WHERE id = \(runID))
                      AND status IN ('queued', 'held', 'running')
                    RETURNING id
                    """, logger: self.logger).collect().map { try $0.decode(String.self) }
                if round.isEmpty { break }
                cancelled += round
            }
            try await self.record(cancelled.map { (.runFinished, $0) } + ended.map { (.sessionChanged, $0.id) }, at: at, c)
            return try await self.fire(of: runID, c)
        }
    }

    /// The runs of the fire `runID` belongs to, by step and attempt.
    func fire(of runID: String, _ c: PostgresConnection) async throws -> [Run] {
        let rows = try await c.query("""
            SELECT \(unescaped: Self.runColumns) FROM runs
            WHERE (schedule_id, scheduled_at, item_key) = (SELECT schedule_id, scheduled_at, item_key FROM runs WHERE id = \(runID))
            ORDER BY step, attempt, id
            """, logger: logger).collect().map(Self.run)
        if rows.isEmpty { throw StoreError.runNotFound(runID) }
        return rows
    }

    /// Queues a fire's next run (a retry or a continuation) inside the caller's transaction.
    /// A run that holds its key already (another process queued it) is no error. A session's
    /// continuation is due at the session's `resume_at` as it is now, and is dropped when the
    /// session is no longer waiting.
    /// - Returns: the run queued, or `nil` (dropped, or queued already).
    @discardableResult
    func queueNext(_ next: Run, at: Date, _ c: PostgresConnection) async throws -> Run? {
        var run = next
        if run.trigger == .resume, let id = run.sessionID {
            guard let row = try await c.query("""
                SELECT resume_at FROM sessions WHERE id = \(id) AND state = 'waiting' FOR UPDATE
                """, logger: logger).collect().first else { return nil }
            if let resumeAt = PostgresSchema.date(try row.decode(Int64?.self)) { run.firesAt = resumeAt }
        }
        let queued = try await c.query("""
            INSERT INTO runs (\(unescaped: Self.runColumns))
            SELECT \(unescaped: Self.runColumns)
            FROM json_to_recordset(\(try Self.runRows([run]))::json) AS t(\(unescaped: Self.runRecordType))
            ON CONFLICT ON CONSTRAINT runs_fire_key DO NOTHING
            RETURNING id
            """, logger: logger).collect()
        guard !queued.isEmpty else { return nil }
        try await record([(.runQueued, run.id)], at: at, c)
        return run
    }

    /// Waiting sessions nothing will wake (see the SQLite store's `wakeStranded`): each gets
    /// its wake-up after the last step of its fire; one whose schedule was deleted is
    /// cancelled; one whose run is still open is not touched.
    /// - Returns: the wake-ups queued, and the sessions cancelled.
    func wakeStranded(now: Date, _ c: PostgresConnection) async throws -> (queued: [Run], cancelled: [String]) {
        let stranded = try await c.query("""
            SELECT s.id, s.schedule_id,
                   (SELECT r.id FROM runs r WHERE r.session_id = s.id ORDER BY r.scheduled_at DESC, r.step DESC, r.attempt DESC LIMIT 1),
                   EXISTS (SELECT 1 FROM schedules sc WHERE sc.id = s.schedule_id)
            FROM sessions s
            WHERE s.state = 'waiting'
              AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.session_id = s.id AND r.status IN ('queued', 'held', 'running'))
            ORDER BY s.resume_at, s.id LIMIT 100
            FOR UPDATE OF s SKIP LOCKED
            """, logger: logger).collect()
        var queued: [Run] = [], gone: [String] = []
        for row in stranded {
            let (id, scheduleID, lastRun, scheduleExists) = try row.decode((String, String?, String?, Bool).self)
            guard let lastRun else {
                // No run of it is left: its schedule was deleted (a session with no schedule
                // and no run was not started by a fire, and is left alone).
                if scheduleID != nil && !scheduleExists { gone.append(id) }
                continue
            }
            guard let top = try await fire(of: lastRun, c).max(by: { ($0.step, $0.attempt) < ($1.step, $1.attempt) }) else { continue }
            var next = top.followUp(id: PacerID.make(.run, at: now), at: now, trigger: .resume)
            next.sessionID = id
            if let run = try await queueNext(next, at: now, c) { queued.append(run) }
        }
        guard !gone.isEmpty else { return (queued, []) }
        let waiting = try await c.query("""
            SELECT document FROM sessions WHERE id = ANY(\(gone)::text[]) ORDER BY id FOR UPDATE
            """, logger: logger).collect().map(Self.session)
        return (queued, try await cancelForDeletedSchedule(waiting, at: now, c))
    }

    /// Keeps a session's queued continuation in step with the session: a waiting session's
    /// continuation is due at its `resume_at` (deferred, or woken now); a session that ended
    /// takes its queued continuation with it (`cancelled`).
    /// - Returns: the events to record.
    func syncContinuation(ofSession id: String, state: Session.State, resumeAt: Date?, at: Date,
                          _ c: PostgresConnection) async throws -> [(Event.Kind, String)] {
        if state == .waiting, let resumeAt {
            return try await c.query("""
                UPDATE runs SET fires_at = \(PostgresSchema.millis(resumeAt))
                WHERE session_id = \(id) AND status = 'queued' AND trigger = 'resume' RETURNING id
                """, logger: logger).collect().map { (.runQueued, try $0.decode(String.self)) }
        }
        guard state.isTerminal else { return [] }
        return try await c.query("""
            UPDATE runs SET status = 'cancelled', finished_at = \(PostgresSchema.millis(at)),
                error = \("its session is \(state.rawValue)")
            WHERE session_id = \(id) AND status = 'queued' AND trigger = 'resume' RETURNING id
            """, logger: logger).collect().map { (.runFinished, try $0.decode(String.self)) }
    }

    /// The retry policy of a schedule, or `nil` when it is gone.
    func retryPolicy(_ scheduleID: String, _ c: PostgresConnection) async throws -> RetryPolicy? {
        guard let row = try await c.query("SELECT definition FROM schedules WHERE id = \(scheduleID)",
                                          logger: logger).collect().first else { return nil }
        return try PostgresSchema.decode(Schedule.self, try row.decode(String.self)).policies.retry
    }

    /// Cancels the waiting sessions of a schedule being deleted (their continuations go with
    /// its runs), each with a `state_changed` event saying why.
    /// - Returns: the ids of the sessions cancelled.
    func cancelWaitingSessions(scheduleID: String, at: Date, _ c: PostgresConnection) async throws -> [String] {
        let waiting = try await c.query("""
            SELECT document FROM sessions WHERE schedule_id = \(scheduleID) AND state = 'waiting' ORDER BY id FOR UPDATE
            """, logger: logger).collect().map(Self.session)
        return try await cancelForDeletedSchedule(waiting, at: at, c)
    }

    /// Cancels locked waiting sessions whose schedule is gone, each with its event.
    /// - Returns: their ids.
    func cancelForDeletedSchedule(_ waiting: [Session], at: Date, _ c: PostgresConnection) async throws -> [String] {
        let cancelled = waiting.map { s in
            var s = s
            s.state = .cancelled
            s.events.append(SessionWake.cancelled(at: at))
            s.updatedAt = at
            return s
        }
        try await saveSessions(cancelled, c)
        return cancelled.map(\.id)
    }

    /// Ends the still `running` or `pending` sessions of abandoned runs in `error`, each with
    /// an `abandoned` event, inside the caller's transaction. A session already `waiting`
    /// (its run deferred it, then stopped before its finish was written) gets the continuation
    /// its finish would have queued.
    /// - Returns: the ids of the sessions ended, and the wake-ups queued by abandoned run id.
    func abandonSessions(of runs: [Run], at: Date, _ c: PostgresConnection) async throws -> (ended: [String], woken: [String: Run]) {
        let runBySession = Dictionary(runs.compactMap { r in r.sessionID.map { ($0, r.id) } }, uniquingKeysWith: { a, _ in a })
        guard !runBySession.isEmpty else { return ([], [:]) }
        var woken: [String: Run] = [:]
        for run in runs {
            guard let session = run.sessionID else { continue }
            var next = run.followUp(id: PacerID.make(.run, at: at), at: at, trigger: .resume)
            next.sessionID = session
            if let wake = try await queueNext(next, at: at, c) { woken[run.id] = wake }
        }
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
        return (ended.map(\.id), woken)
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
