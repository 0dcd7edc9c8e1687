import Foundation
import GRDB
import PacerCore

extension SQLiteStore {
    public func runs(_ query: RunQuery) async throws -> [Run] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM runs
                WHERE (?1 IS NULL OR schedule_id = ?1) AND (?2 IS NULL OR status = ?2)
                  AND (?3 IS NULL OR (scheduled_at, id) < (?3, ?4))
                ORDER BY scheduled_at DESC, id DESC LIMIT ?5
                """, arguments: [query.scheduleID, query.status?.rawValue, query.after?.millis, query.after?.id,
                                 max(0, query.limit)]).map(SQLiteSchema.run)
        }
    }

    public func sessions(_ query: SessionQuery) async throws -> [Session] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM sessions
                WHERE (?1 IS NULL OR schedule_id = ?1) AND (?2 IS NULL OR item_key = ?2) AND (?3 IS NULL OR state = ?3)
                  AND (?4 IS NULL OR (created_at, id) < (?4, ?5))
                ORDER BY created_at DESC, id DESC LIMIT ?6
                """, arguments: [query.scheduleID, query.itemKey, query.state?.rawValue, query.after?.millis, query.after?.id,
                                 max(0, query.limit)]).map(SQLiteSchema.session)
        }
    }
}
