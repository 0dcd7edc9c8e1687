import Foundation
import GRDB
import PacerCore
import Recurrence

extension SQLiteStore {
    public func claimDue(now: Date, limit: Int, owner: String) async throws -> [Run] {
        guard limit > 0 else { return [] }
        let nowMillis = SQLiteSchema.millis(now)
        return try await write { db in
            let due = try Row.fetchAll(db, sql: """
                SELECT s.definition, st.next_fire_at, st.fire_count
                FROM schedule_states st JOIN schedules s ON s.id = st.schedule_id
                WHERE st.next_fire_at IS NOT NULL AND st.next_fire_at <= ?
                  AND s.enabled = 1 AND st.paused_reason IS NULL
                ORDER BY st.next_fire_at, st.schedule_id
                LIMIT ?
                """, arguments: [nowMillis, limit])
            var runs: [Run] = []
            runs.reserveCapacity(due.count)
            for row in due {
                let schedule = try SQLiteSchema.schedule(row["definition"])
                let scheduledMillis: Int64 = row["next_fire_at"]
                let fireCount: Int = row["fire_count"]
                let scheduledAt = SQLiteSchema.date(scheduledMillis)!
                var run = Run(id: PacerID.make(.run, at: now), scheduleID: schedule.id, scheduledAt: scheduledAt)
                run.owner = owner
                // The UNIQUE (schedule, instant, attempt, item) key turns a double claim into an error.
                try SQLiteSchema.insert(run, db)
                let seconds = scheduledMillis >= 0 ? scheduledMillis / 1000 : (scheduledMillis - 999) / 1000
                let next = try schedule.cadence().next(after: seconds, firedCount: fireCount + 1)
                try db.execute(sql: """
                    UPDATE schedule_states
                    SET next_fire_at = ?, last_fire_at = ?, fire_count = fire_count + 1
                    WHERE schedule_id = ?
                    """, arguments: [next.map { $0 * 1000 }, scheduledMillis, schedule.id])
                try SQLiteSchema.log(.runQueued, run.id, at: now, db)
                runs.append(run)
            }
            return runs
        }
    }
}
