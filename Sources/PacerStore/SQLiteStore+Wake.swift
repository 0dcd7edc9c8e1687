import Foundation
import GRDB
import PacerCore

extension SQLiteStore {
    /// One IMMEDIATE transaction: writers queue on the database lock, so a second caller (in
    /// this process or another) only sees the sessions the first left `waiting`. Sessions of a
    /// paused or disabled schedule keep waiting until it is resumed.
    public func wakeSessions(now: Date, limit: Int) async throws -> [Run] {
        guard limit > 0 else { return [] }
        let t = SQLiteSchema.millis(now)
        return try await write { db in
            let due = try Row.fetchAll(db, sql: """
                SELECT s.id, s.item_key, s.resume_at, sc.id AS schedule_id
                FROM sessions s LEFT JOIN schedules sc ON sc.id = s.schedule_id
                WHERE s.state = 'waiting' AND s.resume_at IS NOT NULL AND s.resume_at <= ?
                  AND \(SQLiteSchema.scheduleNotHeld)
                ORDER BY s.resume_at, s.id LIMIT ?
                """, arguments: [t, limit])
            var runs: [Run] = []
            for row in due {
                let id: String = row["id"]
                guard let scheduleID: String = row["schedule_id"] else {
                    try Self.moveSession(id, from: [.waiting], to: .cancelled, event: SessionWake.cancelled(at: now),
                                         at: now, db)
                    continue
                }
                try db.execute(sql: "UPDATE sessions SET state = 'pending', updated_at = ? WHERE id = ?",
                               arguments: [t, id])
                try SQLiteSchema.log(.sessionChanged, id, at: now, db)
                let itemKey: String? = row["item_key"]
                let at = try Self.freeInstant(scheduleID: scheduleID, from: row["resume_at"], itemKey: itemKey ?? "", db)
                let run = SessionWake.run(session: id, scheduleID: scheduleID, itemKey: itemKey,
                                          at: SQLiteSchema.date(at)!, now: now)
                try SQLiteSchema.insert(run, db)
                try SQLiteSchema.log(.runQueued, run.id, at: now, db)
                runs.append(run)
            }
            return runs
        }
    }

    /// The first instant from `t` on, in 1 ms steps, at which no first attempt of
    /// (schedule, item) exists: `t` itself, or the end of the run of taken instants from `t`
    /// plus 1 ms.
    static func freeInstant(scheduleID: String, from t: Int64, itemKey: String, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM runs WHERE schedule_id = ?1 AND scheduled_at = ?2
                                          AND attempt = 1 AND item_key = ?3)
                        THEN ?2
                        ELSE (SELECT min(r.scheduled_at) + 1 FROM runs r
                              WHERE r.schedule_id = ?1 AND r.attempt = 1 AND r.item_key = ?3 AND r.scheduled_at >= ?2
                                AND NOT EXISTS (SELECT 1 FROM runs n WHERE n.schedule_id = ?1 AND n.attempt = 1
                                                  AND n.item_key = ?3 AND n.scheduled_at = r.scheduled_at + 1))
                   END
            """, arguments: [scheduleID, t, itemKey]) ?? t
    }

    /// Ends the session of an abandoned run in `error` with an `abandoned` event, when it is
    /// still `running` or `pending` (inside the caller's transaction).
    static func abandonSession(_ id: String, runID: String, at: Date, _ db: Database) throws {
        try moveSession(id, from: SessionWake.abandonable, to: .error,
                        event: SessionWake.abandoned(runID: runID, at: at), at: at, db)
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
