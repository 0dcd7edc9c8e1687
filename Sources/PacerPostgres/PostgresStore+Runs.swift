import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    static let runColumns = """
        id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
        started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id, step, state
        """

    static func run(_ row: PostgresRow) throws -> Run {
        let (id, scheduleID, scheduledAt, firesAt, attempt, itemKey, status, trigger, owner,
             startedAt, finishedAt, heartbeatAt, output, error, deliveryError, sessionID, step, state) = try row.decode(
            (String, String, Int64, Int64, Int64, String, String, String, String?,
             Int64?, Int64?, Int64?, String?, String?, String?, String?, Int64, String?).self)
        guard let t = Run.Trigger(rawValue: trigger) else { throw StoreError.corrupt("run trigger '\(trigger)'") }
        var run = Run(id: id, scheduleID: scheduleID, scheduledAt: PostgresSchema.date(scheduledAt)!,
                      firesAt: PostgresSchema.date(firesAt), attempt: Int(attempt),
                      status: try PostgresSchema.status(status), trigger: t, itemKey: itemKey.isEmpty ? nil : itemKey)
        run.owner = owner
        run.startedAt = PostgresSchema.date(startedAt)
        run.finishedAt = PostgresSchema.date(finishedAt)
        run.heartbeatAt = PostgresSchema.date(heartbeatAt)
        run.output = output
        run.error = error
        run.deliveryError = deliveryError
        run.sessionID = sessionID
        run.step = Int(step)
        run.state = try state.map { try PostgresSchema.decode(JSONValue.self, $0) }
        return run
    }

    public func insertRun(_ run: Run) async throws -> Run {
        let at = clock.now()
        return try await write { c in
            try await self.insertRuns([run], c)
            let kind: Event.Kind = run.status.isTerminal ? .runFinished : run.status == .running ? .runStarted : .runQueued
            try await self.record([(kind, run.id)], at: at, c)
            return try await c.query("SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(run.id)",
                                     logger: self.logger).collect().first.map(Self.run) ?? run
        }
    }

    public func run(id: String) async throws -> Run? {
        try await read("SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(id)").first.map(Self.run)
    }

    public func runs(scheduleID: String, limit: Int) async throws -> [Run] {
        try await read("""
            SELECT \(unescaped: Self.runColumns) FROM runs WHERE schedule_id = \(scheduleID)
            ORDER BY scheduled_at DESC, step DESC, attempt DESC, id DESC LIMIT \(Int64(max(0, limit)))
            """).map(Self.run)
    }

    public func activeRuns(scheduleID: String?) async throws -> [Run] {
        try await read("""
            SELECT \(unescaped: Self.runColumns) FROM runs
            WHERE status IN ('queued', 'running', 'held') AND (\(scheduleID)::text IS NULL OR schedule_id = \(scheduleID))
            ORDER BY scheduled_at, step, attempt, id
            """).map(Self.run)
    }

    public func startRun(id: String, owner: String, at: Date) async throws -> Run {
        let ms = PostgresSchema.millis(at)
        return try await write { c in
            guard let row = try await c.query("""
                UPDATE runs SET status = 'running', owner = \(owner), started_at = \(ms), heartbeat_at = \(ms)
                WHERE id = \(id) AND status = 'queued' RETURNING \(unescaped: Self.runColumns)
                """, logger: self.logger).collect().first else {
                throw try await self.missingRun(id, c)
            }
            try await self.record([(.runStarted, id)], at: at, c)
            return try Self.run(row)
        }
    }

    /// Renews a lease. A heartbeat records no event: it changes nothing anyone waits for.
    public func heartbeat(runID: String, owner: String, at: Date) async throws {
        let updated = try await read("""
            UPDATE runs SET heartbeat_at = \(PostgresSchema.millis(at))
            WHERE id = \(runID) AND status IN ('running', 'held') AND owner = \(owner) RETURNING id
            """)
        if updated.isEmpty {
            throw try await withConnection { c in try await self.missingRun(runID, c) }
        }
    }

    public func finishRun(id: String, owner: String, status: Run.Status, at: Date, output: String?,
                          error: String?) async throws -> Run {
        try await finish(RunFinish(id: id, status: status, at: at, output: output, error: error), owner: owner)
    }

    func finish(_ f: RunFinish, owner: String) async throws -> Run {
        let id = f.id, status = f.status, at = f.at, error = f.error
        guard status.isTerminal else {
            throw ValidationError([FieldError(field: "status", message: "'\(status.rawValue)' is not a final run status")])
        }
        let ms = PostgresSchema.millis(at)
        let output = f.output.map(Run.excerpt)
        let streak = FailureStreak(after: status)
        let statement = FinishRunStatement(id: id, owner: owner, status: status.rawValue, at: ms, output: output,
                                           error: error, succeeded: streak == .reset, failed: streak == .raise,
                                           startedAt: f.startedAt.map(PostgresSchema.millis),
                                           firesAt: f.firesAt.map(PostgresSchema.millis), sessionID: f.sessionID)
        if let next = f.next {
            // The fire's next run is written with the finish, in one transaction: a crash
            // between the two cannot lose it.
            return try await write { c in
                var finished: Run?
                for try await run in try await c.execute(statement, logger: self.logger) { finished = run }
                guard let finished else { throw try await self.missingRun(id, c) }
                try await self.queueNext(next, at: at, c)
                return finished
            }
        }
        let found = try await withConnection { c in
            var finished: Run?
            for try await run in try await c.execute(statement, logger: self.logger) { finished = run }
            return finished
        }
        guard let finished = found else {
            throw try await withConnection { c in try await self.missingRun(id, c) }
        }
        changeHub.signal()
        return finished
    }

    public func finishRuns(_ finishes: [RunFinish], owner: String) async -> [(any Error)?] {
        // Each finish is one prepared statement and its own commit (with its retry, when it has
        // one, in the same transaction); the pool runs them in turn.
        var out: [(any Error)?] = []
        out.reserveCapacity(finishes.count)
        for f in finishes {
            do {
                _ = try await finish(f, owner: owner)
                out.append(nil)
            } catch {
                out.append(error)
            }
        }
        return out
    }

    /// A plain update: no event, no `NOTIFY` (nobody acts on the link).
    public func setRunSession(runID: String, sessionID: String) async throws {
        let updated = try await read("UPDATE runs SET session_id = \(sessionID) WHERE id = \(runID) RETURNING id")
        guard !updated.isEmpty else { throw StoreError.runNotFound(runID) }
    }

    public func recordDeliveryError(runID: String, error: String) async throws {
        let at = clock.now()
        try await write { c in
            let updated = try await c.query("""
                UPDATE runs SET delivery_error = \(error) WHERE id = \(runID) RETURNING id
                """, logger: self.logger).collect()
            guard !updated.isEmpty else { throw StoreError.runNotFound(runID) }
            try await self.record([(.runFinished, runID)], at: at, c)
        }
    }

    public func recover(now: Date, leaseTimeout: TimeInterval, livenessTimeout: TimeInterval?,
                        retry: @escaping RetryRule) async throws -> Recovery {
        let ms = PostgresSchema.millis(now)
        let cutoff = PostgresSchema.millis(now.addingTimeInterval(-leaseTimeout))
        let dead = livenessTimeout.map { PostgresSchema.millis(now.addingTimeInterval(-$0)) } ?? Int64.min
        return try await write { c in
            // Held fires of a process that stopped never started: back to the queue.
            let requeued = try await c.query("""
                UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, started_at = NULL
                WHERE id IN (SELECT id FROM runs
                             WHERE status = 'held'
                               AND (COALESCE(heartbeat_at, fires_at) < \(cutoff)
                                    OR owner IN (SELECT owner FROM processes WHERE heartbeat_at < \(dead)))
                             FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.runColumns)
                """, logger: self.logger).collect().map(Self.run).sorted { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
            let runs = try await c.query("""
                UPDATE runs SET status = 'abandoned', finished_at = \(ms),
                    error = COALESCE(error, CASE WHEN COALESCE(heartbeat_at, started_at, fires_at) < \(cutoff)
                                                 THEN 'lease expired' ELSE 'its process stopped (no liveness beat)' END)
                WHERE id IN (SELECT id FROM runs
                             WHERE status = 'running'
                               AND (COALESCE(heartbeat_at, started_at, fires_at) < \(cutoff)
                                    OR owner IN (SELECT owner FROM processes WHERE heartbeat_at < \(dead)))
                             FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.runColumns)
                """, logger: self.logger).collect().map(Self.run).sorted { ($0.scheduledAt, $0.id) < ($1.scheduledAt, $1.id) }
            for run in runs {
                try await self.noteFinished(scheduleID: run.scheduleID, status: .abandoned,
                                            scheduledAt: PostgresSchema.millis(run.scheduledAt), c)
            }
            // A waiting session's wake-up continues the fire; otherwise the retry policy may.
            let (ended, woken) = try await self.abandonSessions(of: runs, at: now, c)
            var queued = Array(woken.values)
            for run in runs where woken[run.id] == nil {
                if let policy = try await self.retryPolicy(run.scheduleID, c), let next = retry(run, policy),
                   let retried = try await self.queueNext(next, at: now, c) {
                    queued.append(retried)
                }
            }
            let stranded = try await self.wakeStranded(now: now, c)
            queued += stranded.queued
            try await c.query("DELETE FROM processes WHERE heartbeat_at < \(PostgresSchema.millis(now.addingTimeInterval(-86_400)))",
                              logger: self.logger)
            try await self.record(requeued.map { (.runQueued, $0.id) } + runs.map { (.runFinished, $0.id) }
                                  + (ended + stranded.cancelled).map { (.sessionChanged, $0) }, at: now, c)
            var recovery = Recovery(requeued: requeued, abandoned: runs)
            recovery.queued = queued
            return recovery
        }
    }

    func missingRun(_ id: String, _ c: PostgresConnection) async throws -> StoreError {
        let exists = try await c.query("SELECT 1 FROM runs WHERE id = \(id)", logger: self.logger).collect()
        return exists.isEmpty ? .runNotFound(id) : .leaseLost(runID: id)
    }

    /// Updates the schedule's state after a run ended: last status, last fire, and the
    /// consecutive-failure count as ``PacerCore/FailureStreak`` says.
    func noteFinished(scheduleID: String, status: Run.Status, scheduledAt: Int64, _ c: PostgresConnection) async throws {
        let streak = FailureStreak(after: status)
        try await c.query("""
            UPDATE schedule_states SET last_status = \(status.rawValue),
                last_fire_at = GREATEST(COALESCE(last_fire_at, \(scheduledAt)), \(scheduledAt)),
                consecutive_failures = CASE WHEN \(streak == .reset) THEN 0
                                            WHEN \(streak == .raise) THEN consecutive_failures + 1
                                            ELSE consecutive_failures END
            WHERE schedule_id = \(scheduleID)
            """, logger: self.logger)
    }
}

/// A run's finish as one autocommitted statement, prepared once per connection: the fenced
/// update (a queued run, or a running run of this owner; READ COMMITTED re-checks the
/// condition on the latest row version after a wait), the schedule's state, then the event
/// lock, the event and the `NOTIFY`. `lk` waits for `st` (the aggregate), so the state row is
/// locked before the event lock as in every other write, and the event's sequence is drawn
/// only once the lock is held. No row: the run is missing or its lease is lost.
struct FinishRunStatement: PostgresPreparedStatement {
    static let sql = """
        WITH upd AS (
            UPDATE runs SET status = $3, finished_at = $4, output = $5, error = $6,
                            started_at = COALESCE($9, started_at), fires_at = COALESCE($10, fires_at),
                            session_id = COALESCE($11, session_id)
            WHERE id = $1 AND (status = 'queued' OR (status IN ('running', 'held') AND owner = $2))
            RETURNING \(PostgresStore.runColumns)),
        st AS (
            UPDATE schedule_states ss SET last_status = upd.status,
                last_fire_at = GREATEST(COALESCE(ss.last_fire_at, upd.scheduled_at), upd.scheduled_at),
                consecutive_failures = CASE WHEN $7 THEN 0
                                            WHEN $8 THEN ss.consecutive_failures + 1
                                            ELSE ss.consecutive_failures END
            FROM upd WHERE ss.schedule_id = upd.schedule_id
            RETURNING 1),
        lk AS (
            SELECT pg_advisory_xact_lock(\(PostgresSchema.eventLock)) AS locked
            FROM upd, (SELECT count(*) AS n FROM st) AS done),
        ev AS (
            INSERT INTO events (kind, entity_id, at)
            SELECT '\(Event.Kind.runFinished.rawValue)', upd.id, $4 FROM upd, lk
            RETURNING pg_notify('\(PostgresSchema.channel)', sequence::text))
        SELECT \(PostgresStore.runColumns) FROM upd, ev
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .int8, .text, .text, .bool, .bool, .int8, .int8,
                                                       .text]

    var id, owner, status: String
    var at: Int64
    var output, error: String?
    var succeeded, failed: Bool
    var startedAt, firesAt: Int64?
    var sessionID: String?

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 11)
        b.append(id); b.append(owner); b.append(status); b.append(at)
        b.append(output); b.append(error); b.append(succeeded); b.append(failed)
        b.append(startedAt); b.append(firesAt); b.append(sessionID)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> Run { try PostgresStore.run(row) }
}
