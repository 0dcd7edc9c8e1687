import Foundation
import GRDB
import PacerCore
import PacerStore
import Synchronization

extension SQLiteStore {
    // MARK: Runtime state

    public func states() async throws -> [ScheduleState] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM schedule_states ORDER BY schedule_id").map(SQLiteSchema.state)
        }
    }

    public func setNextFire(scheduleID: String, at next: Date?) async throws {
        let at = clock.now()
        try await write { db in
            try db.execute(sql: "UPDATE schedule_states SET next_fire_at = ? WHERE schedule_id = ?",
                           arguments: [next.map(SQLiteSchema.millis), scheduleID])
            guard db.changesCount > 0 else { throw StoreError.scheduleNotFound(scheduleID) }
            try SQLiteSchema.log(.scheduleStateChanged, scheduleID, at: at, db)
        }
    }

    public func setPaused(scheduleID: String, reason: String?) async throws {
        let at = clock.now()
        try await write { db in
            try db.execute(sql: """
                UPDATE schedule_states
                SET paused_reason = ?1, consecutive_failures = CASE WHEN ?1 IS NULL THEN 0 ELSE consecutive_failures END
                WHERE schedule_id = ?2
                """, arguments: [reason, scheduleID])
            guard db.changesCount > 0 else { throw StoreError.scheduleNotFound(scheduleID) }
            try SQLiteSchema.log(.scheduleStateChanged, scheduleID, at: at, db)
        }
    }

    // MARK: Retention

    @discardableResult
    public func purge(before cutoff: Date) async throws -> PurgeCounts {
        let cut = SQLiteSchema.millis(cutoff)
        let terminal = "status NOT IN ('queued', 'running', 'held')"
        return try await write { db in
            var counts = PurgeCounts()
            try db.execute(sql: """
                DELETE FROM runs WHERE \(terminal) AND COALESCE(finished_at, scheduled_at) < ?
                """, arguments: [cut])
            counts.runs = db.changesCount
            // keep_last: the newest N finished runs of a schedule stay, whatever their age.
            let limits = try Row.fetchAll(db, sql: """
                SELECT id, json_extract(definition, '$.policies.keep_last') AS keep_last FROM schedules
                WHERE json_extract(definition, '$.policies.keep_last') IS NOT NULL
                """)
            for row in limits {
                let id: String = row["id"]
                let keep: Int = row["keep_last"]
                try db.execute(sql: """
                    DELETE FROM runs WHERE schedule_id = ?1 AND \(terminal) AND id NOT IN (
                        SELECT id FROM runs WHERE schedule_id = ?1 AND \(terminal)
                        ORDER BY scheduled_at DESC, step DESC, attempt DESC, id DESC LIMIT ?2)
                    """, arguments: [id, keep])
                counts.runs += db.changesCount
            }
            try db.execute(sql: """
                DELETE FROM sessions WHERE state IN ('done', 'error', 'cancelled') AND updated_at < ?
                """, arguments: [cut])
            counts.sessions = db.changesCount
            try db.execute(sql: "DELETE FROM events WHERE at < ?", arguments: [cut])
            counts.events = db.changesCount
            return counts
        }
    }

    // MARK: Change feed

    public func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, kind, entity_id, at FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?
                """, arguments: [cursor, limit]).map { row in
                StoredEvent(sequence: row["sequence"],
                            event: Event(kind: try SQLiteSchema.wire(Event.Kind.self, row["kind"]),
                                         entityID: row["entity_id"], at: SQLiteSchema.date(row["at"])!))
            }
        }
    }

    public func lastEventSequence() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) FROM events") ?? 0 }
    }

    public func changes() -> AsyncStream<Void> {
        signal.subscribe()
    }

    /// Closes the database. GRDB's `close()` blocks until every reader is back, and an
    /// async read in flight needs a thread of Swift's cooperative pool to give its reader back:
    /// the blocking wait runs on a thread of its own, never on that pool.
    public func close() async throws {
        await signal.close()
        guard isClosed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        let pool = database
        let checkpointer = self.checkpointer
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    checkpointer.close()
                    try pool.close()
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                }
            }
            thread.name = "pacer-sqlite-close"
            thread.start()
        }
    }
}
