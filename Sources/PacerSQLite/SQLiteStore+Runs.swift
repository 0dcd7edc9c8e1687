import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    public func insertRun(_ run: Run) async throws -> Run {
        let at = clock.now()
        return try await write { db in
            do {
                try SQLiteSchema.insert(run, db)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.duplicateRun(scheduleID: run.scheduleID, scheduledAt: run.scheduledAt,
                                              attempt: run.attempt, itemKey: run.itemKey)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                throw StoreError.scheduleNotFound(run.scheduleID)
            }
            let kind: Event.Kind = run.status.isTerminal ? .runFinished : run.status == .running ? .runStarted : .runQueued
            try SQLiteSchema.log(kind, run.id, at: at, db)
            return try Self.fetchRun(run.id, db)
        }
    }

    public func run(id: String) async throws -> Run? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(SQLiteSchema.run)
        }
    }

    public func runs(scheduleID: String, limit: Int) async throws -> [Run] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE schedule_id = ? ORDER BY scheduled_at DESC, step DESC, attempt DESC, id DESC LIMIT ?
                """, arguments: [scheduleID, max(0, limit)]).map(SQLiteSchema.run)
        }
    }

    public func activeRuns(scheduleID: String?) async throws -> [Run] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE status IN ('queued', 'running', 'held') AND (?1 IS NULL OR schedule_id = ?1)
                ORDER BY scheduled_at, step, attempt, id
                """, arguments: [scheduleID]).map(SQLiteSchema.run)
        }
    }

    public func startRun(id: String, owner: String, at: Date) async throws -> Run {
        try await write { db in
            let stored = try Self.fetchRun(id, db)
            guard stored.status == .queued else { throw StoreError.leaseLost(runID: id) }
            let t = SQLiteSchema.millis(at)
            try db.execute(sql: """
                UPDATE runs SET status = 'running', owner = ?, started_at = ?, heartbeat_at = ?
                WHERE id = ? AND status = 'queued'
                """, arguments: [owner, t, t, id])
            try SQLiteSchema.log(.runStarted, id, at: at, db)
            return try Self.fetchRun(id, db)
        }
    }

    public func heartbeat(runID: String, owner: String, at: Date) async throws {
        // A lease renewal is no change anyone acts on: no event, no wake-up.
        try await write(notify: false) { db in
            try db.execute(sql: """
                UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('running', 'held') AND owner = ?
                """, arguments: [SQLiteSchema.millis(at), runID, owner])
            if db.changesCount == 0 {
                _ = try Self.fetchRun(runID, db)
                throw StoreError.leaseLost(runID: runID)
            }
        }
    }

    public func finishRun(id: String, owner: String, status: Run.Status, at: Date, output: String?,
                          error: String?) async throws -> Run {
        guard status.isTerminal else {
            throw ValidationError([FieldError(field: "status", message: "'\(status.rawValue)' is not a final run status")])
        }
        return try await write { db in
            try Self.finish(RunFinish(id: id, status: status, at: at, output: output, error: error), owner: owner, db)
        }
    }

    public func finishRuns(_ finishes: [RunFinish], owner: String) async -> [(any Error)?] {
        if finishes.contains(where: { !$0.status.isTerminal }) {
            return await finishRunsOneByOne(finishes, owner: owner)  // reports the bad status per run
        }
        do {
            // One transaction for the batch; a run that cannot be finished is reported, not fatal.
            return try await write { db in
                finishes.map { f in
                    do {
                        try Self.finishLean(f, owner: owner, db)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
        } catch {
            return finishes.map { _ in error }
        }
    }

    /// ``finish(_:owner:_:)`` without reading the run back (the engine already knows it).
    static func finishLean(_ f: RunFinish, owner: String, _ db: Database) throws {
        guard let row = try db.fetchOneCached("""
            UPDATE runs SET status = ?, finished_at = ?, output = ?, error = ?,
                            started_at = COALESCE(?, started_at), fires_at = COALESCE(?, fires_at),
                            session_id = COALESCE(?, session_id)
            WHERE id = ? AND (status = 'queued' OR (status IN ('running', 'held') AND owner = ?))
            RETURNING schedule_id, scheduled_at
            """, [f.status.rawValue, SQLiteSchema.millis(f.at), f.output.map(Run.excerpt), f.error,
                  f.startedAt.map(SQLiteSchema.millis), f.firesAt.map(SQLiteSchema.millis), f.sessionID, f.id,
                  owner]) else {
            _ = try fetchRun(f.id, db)  // runNotFound when it does not exist
            throw StoreError.leaseLost(runID: f.id)
        }
        let scheduleID: String = row[0]
        let scheduledAt: Int64 = row[1]
        try recordOutcome(scheduleID: scheduleID, scheduledAt: scheduledAt, status: f.status, db)
        try SQLiteSchema.log(.runFinished, f.id, at: f.at, db)
        if let next = f.next { try queueNext(next, at: f.at, db) }
    }

    static func finish(_ f: RunFinish, owner: String, _ db: Database) throws -> Run {
        // Fenced in the statement itself: only a queued run, or a running one of `owner`.
        let id = f.id, status = f.status, at = f.at
        let finishedAt = SQLiteSchema.millis(at)
        let excerpt = f.output.map(Run.excerpt)
        guard let row = try db.fetchOneCached("""
            UPDATE runs SET status = ?, finished_at = ?, output = ?, error = ?,
                            started_at = COALESCE(?, started_at), fires_at = COALESCE(?, fires_at),
                            session_id = COALESCE(?, session_id)
            WHERE id = ? AND (status = 'queued' OR (status IN ('running', 'held') AND owner = ?))
            RETURNING *
            """, [status.rawValue, finishedAt, excerpt, f.error, f.startedAt.map(SQLiteSchema.millis),
                  f.firesAt.map(SQLiteSchema.millis), f.sessionID, id, owner]) else {
            _ = try fetchRun(id, db)  // runNotFound when it does not exist
            throw StoreError.leaseLost(runID: id)
        }
        let finished = try SQLiteSchema.run(row)
        try recordOutcome(of: finished, status: status, db)
        try SQLiteSchema.log(.runFinished, id, at: at, db)
        if let next = f.next { try queueNext(next, at: at, db) }
        return finished
    }

    public func setRunSession(runID: String, sessionID: String) async throws {
        // A link, not a change anyone acts on: no event, no wake-up.
        try await write(notify: false) { db in
            try db.execute(sql: "UPDATE runs SET session_id = ? WHERE id = ?", arguments: [sessionID, runID])
            guard db.changesCount > 0 else { throw StoreError.runNotFound(runID) }
        }
    }

    public func recordDeliveryError(runID: String, error: String) async throws {
        let at = clock.now()
        try await write { db in
            try db.execute(sql: "UPDATE runs SET delivery_error = ? WHERE id = ?", arguments: [error, runID])
            guard db.changesCount > 0 else { throw StoreError.runNotFound(runID) }
            try SQLiteSchema.log(.runFinished, runID, at: at, db)
        }
    }

    public func recover(now: Date, leaseTimeout: TimeInterval, livenessTimeout: TimeInterval?,
                        retry: @escaping RetryRule) async throws -> Recovery {
        let expiry = SQLiteSchema.millis(now.addingTimeInterval(-leaseTimeout))
        let dead = livenessTimeout.map { SQLiteSchema.millis(now.addingTimeInterval(-$0)) } ?? Int64.min
        return try await write { db in
            var recovery = Recovery()
            // Held fires of a process that stopped never started: back to the queue.
            let held = try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE status = 'held'
                  AND (COALESCE(heartbeat_at, fires_at) < ?1
                       OR owner IN (SELECT owner FROM processes WHERE heartbeat_at < ?2))
                ORDER BY scheduled_at, id
                """, arguments: [expiry, dead]).map(SQLiteSchema.run)
            for run in held {
                try db.execute(sql: """
                    UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, started_at = NULL WHERE id = ?
                    """, arguments: [run.id])
                try SQLiteSchema.log(.runQueued, run.id, at: now, db)
                recovery.requeued.append(try Self.fetchRun(run.id, db))
            }
            let expired = try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE status = 'running'
                  AND (COALESCE(heartbeat_at, started_at, fires_at) < ?1
                       OR owner IN (SELECT owner FROM processes WHERE heartbeat_at < ?2))
                ORDER BY scheduled_at, id
                """, arguments: [expiry, dead]).map(SQLiteSchema.run)
            for run in expired {
                try db.execute(sql: """
                    UPDATE runs SET status = 'abandoned', finished_at = ?, error = COALESCE(error, ?)
                    WHERE id = ?
                    """, arguments: [SQLiteSchema.millis(now), Self.abandonReason(run, now: now, expiry: expiry), run.id])
                try Self.recordOutcome(of: run, status: .abandoned, db)
                try SQLiteSchema.log(.runFinished, run.id, at: now, db)
                // A waiting session's wake-up continues the fire; otherwise the retry policy may.
                if let sessionID = run.sessionID, let wake = try Self.abandonSession(sessionID, run: run, at: now, db) {
                    recovery.queued.append(wake)
                } else if let policy = try Self.retryPolicy(run.scheduleID, db), let next = retry(run, policy),
                          let queued = try Self.queueNext(next, at: now, db) {
                    recovery.queued.append(queued)
                }
                recovery.abandoned.append(try Self.fetchRun(run.id, db))
            }
            recovery.queued += try Self.wakeStranded(now: now, db)
            // A process dead for a day is forgotten.
            try db.execute(sql: "DELETE FROM processes WHERE heartbeat_at < ?",
                           arguments: [SQLiteSchema.millis(now.addingTimeInterval(-86_400))])
            return recovery
        }
    }

    public func startHeld(ids: [String], owner: String, at: Date) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let t = SQLiteSchema.millis(at)
        return try await write(notify: false) { db in
            var started: Set<String> = []
            for id in ids {
                try db.executeCached("""
                    UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?
                    WHERE id = ? AND status IN ('held', 'running') AND owner = ?
                    """, [t, t, id, owner])
                if db.changesCount > 0 { started.insert(id) }
            }
            return started
        }
    }

    public func handBack(ids: [String], owner: String, at: Date) async throws {
        guard !ids.isEmpty else { return }
        try await write { db in
            for id in ids {
                try db.executeCached("""
                    UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, started_at = NULL
                    WHERE id = ? AND status IN ('held', 'running') AND owner = ?
                    """, [id, owner])
                if db.changesCount > 0 { try SQLiteSchema.log(.runQueued, id, at: at, db) }
            }
        }
    }

    public func beat(owner: String, at: Date) async throws {
        try await write(notify: false) { db in
            try db.executeCached("INSERT OR REPLACE INTO processes (owner, heartbeat_at) VALUES (?, ?)",
                                 [owner, SQLiteSchema.millis(at)])
        }
    }

    /// Why a run was abandoned: its process stopped beating, or its lease expired.
    static func abandonReason(_ run: Run, now: Date, expiry: Int64) -> String {
        let seen = run.heartbeatAt ?? run.startedAt ?? run.firesAt
        return SQLiteSchema.millis(seen) < expiry ? "lease expired" : "its process stopped (no liveness beat)"
    }

    // MARK: Helpers (inside a write transaction)

    static func fetchRun(_ id: String, _ db: Database) throws -> Run {
        guard let row = try db.fetchOneCached("SELECT * FROM runs WHERE id = ?", [id]) else {
            throw StoreError.runNotFound(id)
        }
        return try SQLiteSchema.run(row)
    }

    /// The schedule's state after a run ended: last fire (never moved back), last status, and
    /// the failure streak (reset by a success, raised by a failure, kept by skips and cancels).
    static func recordOutcome(of run: Run, status: Run.Status, _ db: Database) throws {
        try recordOutcome(scheduleID: run.scheduleID, scheduledAt: SQLiteSchema.millis(run.scheduledAt), status: status, db)
    }

    static func recordOutcome(scheduleID: String, scheduledAt scheduled: Int64, status: Run.Status, _ db: Database) throws {
        let failures = switch FailureStreak(after: status) {
        case .reset: "0"
        case .raise: "consecutive_failures + 1"
        case .keep: "consecutive_failures"
        }
        try db.executeCached("""
            UPDATE schedule_states
            SET last_fire_at = MAX(COALESCE(last_fire_at, ?1), ?1), last_status = ?2, consecutive_failures = \(failures)
            WHERE schedule_id = ?3
            """, [scheduled, status.rawValue, scheduleID])
    }
}
