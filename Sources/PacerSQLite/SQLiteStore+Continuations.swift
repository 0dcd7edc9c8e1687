import Foundation
import GRDB
import PacerCore
import PacerStore

/// A fire's next runs (retries and continuations) and the agent sessions they continue.
extension SQLiteStore {
    public func fireRuns(of runID: String) async throws -> [Run] {
        try await pool.read { db in try Self.fire(of: runID, db) }
    }

    public func cancelFire(of runID: String, reason: String, at: Date) async throws -> [Run] {
        try await write { db in
            for run in try Self.fire(of: runID, db) where !run.status.isTerminal {
                try db.execute(sql: "UPDATE runs SET status = 'cancelled', finished_at = ?, error = ? WHERE id = ?",
                               arguments: [SQLiteSchema.millis(at), reason, run.id])
                try SQLiteSchema.log(.runFinished, run.id, at: at, db)
            }
            let sessions = Set(try Self.fire(of: runID, db).compactMap(\.sessionID))
            for id in sessions.sorted() {
                let event = SessionEvent(at: at, kind: .stateChanged, detail: ["to": "cancelled", "reason": .string(reason)])
                try Self.moveSession(id, from: [.pending, .running, .waiting], to: .cancelled, event: event, at: at, db)
            }
            return try Self.fire(of: runID, db)
        }
    }

    /// The runs of the fire `runID` belongs to, by step and attempt.
    static func fire(of runID: String, _ db: Database) throws -> [Run] {
        let run = try fetchRun(runID, db)
        return try Row.fetchAll(db, sql: """
            SELECT * FROM runs WHERE schedule_id = ? AND scheduled_at = ? AND item_key = ? ORDER BY step, attempt, id
            """, arguments: [run.scheduleID, SQLiteSchema.millis(run.scheduledAt), run.itemKey ?? ""]).map(SQLiteSchema.run)
    }

    // MARK: Inside the caller's write transaction

    /// Queues a fire's next run. A run that holds its key already (another process queued it)
    /// is no error. A session's continuation is due at the session's `resume_at` as it is now,
    /// and is dropped when the session is no longer waiting.
    /// - Returns: the run queued, or `nil` (dropped, or queued already).
    @discardableResult
    static func queueNext(_ next: Run, at: Date, _ db: Database) throws -> Run? {
        var run = next
        if run.trigger == .resume, let id = run.sessionID {
            guard let row = try Row.fetchOne(db, sql: "SELECT state, resume_at FROM sessions WHERE id = ?", arguments: [id]),
                  (row["state"] as String) == Session.State.waiting.rawValue
            else { return nil }
            if let resumeAt = SQLiteSchema.date(row["resume_at"]) { run.firesAt = resumeAt }
        }
        do {
            try SQLiteSchema.insert(run, db)
            try SQLiteSchema.log(.runQueued, run.id, at: at, db)
            return run
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return nil  // queued already
        }
    }

    /// Waiting sessions nothing will wake: their run ended without queueing the wake-up (it
    /// was cancelled or timed out as it deferred, a wake-up run failed before its session
    /// loop began, data from before continuations). Each gets its wake-up after the last step
    /// of its fire; one whose schedule was deleted is cancelled. A session whose run is still
    /// open (its finish not written yet) is not touched.
    /// - Returns: the wake-ups queued.
    static func wakeStranded(now: Date, _ db: Database) throws -> [Run] {
        let ids = try String.fetchAll(db, sql: """
            SELECT s.id FROM sessions s
            WHERE s.state = 'waiting'
              AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.session_id = s.id AND r.status IN ('queued', 'held', 'running'))
            ORDER BY s.resume_at, s.id LIMIT 100
            """)
        var queued: [Run] = []
        for id in ids {
            guard let last = try Row.fetchOne(db, sql: """
                    SELECT * FROM runs WHERE session_id = ? ORDER BY scheduled_at DESC, step DESC, attempt DESC LIMIT 1
                    """, arguments: [id]).map(SQLiteSchema.run),
                  let top = try fire(of: last.id, db).max(by: { ($0.step, $0.attempt) < ($1.step, $1.attempt) })
            else {
                // No run of it is left: its schedule was deleted (a session with no schedule
                // and no run was not started by a fire, and is left alone).
                let scheduleID = try String.fetchOne(db, sql: "SELECT schedule_id FROM sessions WHERE id = ?", arguments: [id])
                if let scheduleID, try Int.fetchOne(db, sql: "SELECT 1 FROM schedules WHERE id = ?", arguments: [scheduleID]) == nil {
                    try moveSession(id, from: [.waiting], to: .cancelled, event: SessionWake.cancelled(at: now), at: now, db)
                }
                continue
            }
            var next = top.followUp(id: PacerID.make(.run, at: now), at: now, trigger: .resume)
            next.sessionID = id
            if let run = try queueNext(next, at: now, db) { queued.append(run) }
        }
        return queued
    }

    /// Keeps a session's queued continuation in step with the session: a waiting session's
    /// continuation is due at its `resume_at` (deferred, or woken now); a session that ended
    /// takes its queued continuation with it (`cancelled`).
    static func syncContinuation(ofSession id: String, state: Session.State, resumeAt: Date?, at: Date, _ db: Database) throws {
        let queued = try String.fetchAll(db, sql: """
            SELECT id FROM runs WHERE session_id = ? AND status = 'queued' AND trigger = 'resume'
            """, arguments: [id])
        guard !queued.isEmpty else { return }
        for runID in queued {
            if state == .waiting, let resumeAt {
                try db.execute(sql: "UPDATE runs SET fires_at = ? WHERE id = ?",
                               arguments: [SQLiteSchema.millis(resumeAt), runID])
                try SQLiteSchema.log(.runQueued, runID, at: at, db)
            } else if state.isTerminal {
                try db.execute(sql: """
                    UPDATE runs SET status = 'cancelled', finished_at = ?, error = ? WHERE id = ?
                    """, arguments: [SQLiteSchema.millis(at), "its session is \(state.rawValue)", runID])
                try SQLiteSchema.log(.runFinished, runID, at: at, db)
            }
        }
    }

    /// The retry policy of a schedule, or `nil` when it is gone.
    static func retryPolicy(_ scheduleID: String, _ db: Database) throws -> RetryPolicy? {
        guard let text = try String.fetchOne(db, sql: "SELECT definition FROM schedules WHERE id = ?", arguments: [scheduleID])
        else { return nil }
        return try SQLiteSchema.schedule(text).policies.retry
    }

    /// The session of an abandoned run: one still `running` or `pending` ends in `error` with
    /// an `abandoned` event; one already `waiting` (the run deferred it, then stopped before
    /// its finish was written) gets the continuation its finish would have queued.
    /// - Returns: the wake-up queued, if the session was waiting.
    static func abandonSession(_ id: String, run: Run, at: Date, _ db: Database) throws -> Run? {
        if let state = try String.fetchOne(db, sql: "SELECT state FROM sessions WHERE id = ?", arguments: [id]),
           state == Session.State.waiting.rawValue {
            var next = run.followUp(id: PacerID.make(.run, at: at), at: at, trigger: .resume)
            next.sessionID = id
            return try queueNext(next, at: at, db)
        }
        try moveSession(id, from: SessionWake.abandonable, to: .error,
                        event: SessionWake.abandoned(runID: run.id, at: at), at: at, db)
        return nil
    }

    /// Cancels the waiting sessions of a schedule being deleted (their continuations go with
    /// its runs), each with a `state_changed` event saying why.
    static func cancelWaitingSessions(scheduleID: String, at: Date, _ db: Database) throws {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM sessions WHERE schedule_id = ? AND state = 'waiting'",
                                      arguments: [scheduleID])
        for id in ids {
            try moveSession(id, from: [.waiting], to: .cancelled, event: SessionWake.cancelled(at: at), at: at, db)
        }
    }

    /// Moves a session in one of the states `from` to `state` and appends `event` to its
    /// events (read, modified and written inside the caller's transaction, as appends are).
    /// A session in another state, or missing, is left alone.
    static func moveSession(_ id: String, from: Set<Session.State>, to state: Session.State, event: SessionEvent,
                            at: Date, _ db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, events FROM sessions WHERE id = ?", arguments: [id]),
              from.contains(try SQLiteSchema.wire(Session.State.self, row["state"]))
        else { return }
        let events = try SQLiteSchema.decode([SessionEvent].self, row["events"]) + [event]
        try db.execute(sql: "UPDATE sessions SET state = ?, events = ?, updated_at = ? WHERE id = ?",
                       arguments: [state.rawValue, try SQLiteSchema.json(events), SQLiteSchema.millis(at), id])
        try SQLiteSchema.log(.sessionChanged, id, at: at, db)
    }
}
