import Foundation
import GRDB
import PacerCore
import PacerStore
import Recurrence

extension SQLiteStore {
    public func offerClaimPlan(_ plan: ClaimPlan, scheduleID: String, revision: Int) {
        plans.offer(plan, id: scheduleID, revision: revision)
    }

    public func claimDue(now: Date, limit: Int, owner: String, start: Bool, deciding clock: Date?) async throws -> [Run] {
        guard limit > 0 else { return [] }
        let nowMillis = SQLiteSchema.millis(now)
        return try await write { db in
            let due = try db.fetchAllCached("""
                SELECT s.id, s.revision, st.next_fire_at, st.fire_count
                FROM schedule_states st CROSS JOIN schedules s ON s.id = st.schedule_id  -- CROSS: states first, in index order
                WHERE st.next_fire_at IS NOT NULL AND st.next_fire_at <= ?
                  AND s.enabled = 1 AND st.paused_reason IS NULL
                ORDER BY st.next_fire_at, st.schedule_id
                LIMIT ?
                """, [nowMillis, limit])
            var runs: [Run] = []
            runs.reserveCapacity(due.count)
            for row in due {
                let scheduleID: String = row["id"]
                // One schedule's bad state never stops the claiming of the others.
                let plan: ClaimPlan
                do {
                    plan = try self.plans.plan(id: scheduleID, revision: row["revision"]) {
                        try String.fetchOne(db.cachedStatement(sql: "SELECT definition FROM schedules WHERE id = ?"),
                                            arguments: [scheduleID]) ?? ""
                    }
                } catch {
                    try db.executeCached("UPDATE schedule_states SET paused_reason = ? WHERE schedule_id = ?",
                                         ["paused: its rule cannot be evaluated (\(error))", scheduleID])
                    try SQLiteSchema.log(.scheduleStateChanged, scheduleID, at: now, db)
                    continue
                }
                let scheduledMillis: Int64 = row["next_fire_at"]
                let fireCount: Int = row["fire_count"]
                let scheduledAt = SQLiteSchema.date(scheduledMillis)!
                let decision = plan.decide(scheduledMillis: scheduledMillis, fireCount: fireCount, now: clock)
                let next = decision.next
                let run = decision.run(scheduleID: scheduleID, scheduledAt: scheduledAt, owner: owner, start: start, now: now)
                // The UNIQUE (schedule, instant, attempt, item) key turns a double claim into an
                // error; a fire that has its run already is passed over, and the others go on.
                do {
                    try SQLiteSchema.insert(run, db)
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    try db.executeCached("UPDATE schedule_states SET next_fire_at = ? WHERE schedule_id = ?",
                                         [next.map { $0 * 1000 }, scheduleID])
                    continue
                }
                try db.executeCached("""
                    UPDATE schedule_states
                    SET next_fire_at = ?, last_fire_at = ?, fire_count = fire_count + 1,
                        last_status = COALESCE(?, last_status)
                    WHERE schedule_id = ?
                    """, [next.map { $0 * 1000 }, scheduledMillis, decision.status?.rawValue, scheduleID])
                let kind: Event.Kind = run.status.isTerminal ? .runFinished : start ? .runStarted : .runQueued
                try SQLiteSchema.log(kind, run.id, at: now, db)
                if decision.misfired { try SQLiteSchema.log(.scheduleStateChanged, scheduleID, at: now, db) }
                runs.append(run)
            }
            return runs
        }
    }
}
