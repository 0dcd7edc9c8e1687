import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    public func insertBackfill(_ runs: [Run]) async throws -> [Run] {
        guard let first = runs.first else { return [] }
        let at = clock.now()
        let instants = runs.map { SQLiteSchema.millis($0.scheduledAt) }
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM schedules WHERE id = ?", arguments: [first.scheduleID]) == true else {
                throw StoreError.scheduleNotFound(first.scheduleID)
            }
            let existing = try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE schedule_id = ? AND step = 0 AND item_key = '' AND scheduled_at BETWEEN ? AND ?
                """, arguments: [first.scheduleID, instants.min(), instants.max()]).map(SQLiteSchema.run)
            let recorded = Backfill.recordable(runs, existing: existing)
            for run in recorded {
                try SQLiteSchema.insert(run, db)
                try SQLiteSchema.log(.runQueued, run.id, at: at, db)
            }
            return recorded
        }
    }

    public func holdQueued(id: String, owner: String, at: Date) async throws -> Run {
        try await write(notify: false) { db in
            let t = SQLiteSchema.millis(at)
            try db.execute(sql: """
                UPDATE runs SET status = 'held', owner = ?, heartbeat_at = ? WHERE id = ? AND status = 'queued'
                """, arguments: [owner, t, id])
            let held = db.changesCount > 0
            let stored = try Self.fetchRun(id, db)  // runNotFound for an unknown id
            guard held else { throw StoreError.leaseLost(runID: id) }
            return stored
        }
    }
}
