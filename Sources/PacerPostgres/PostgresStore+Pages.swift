import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func runs(_ query: RunQuery) async throws -> [Run] {
        try await read("""
            SELECT \(unescaped: Self.runColumns) FROM runs
            WHERE (\(query.scheduleID)::text IS NULL OR schedule_id = \(query.scheduleID))
              AND (\(query.status?.rawValue)::text IS NULL OR status = \(query.status?.rawValue))
              AND (\(query.after?.millis)::bigint IS NULL OR (scheduled_at, id) < (\(query.after?.millis), \(query.after?.id)))
            ORDER BY scheduled_at DESC, id DESC LIMIT \(Int64(max(0, query.limit)))
            """).map(Self.run)
    }

    public func sessions(_ query: SessionQuery) async throws -> [Session] {
        try await read("""
            SELECT document FROM sessions
            WHERE (\(query.scheduleID)::text IS NULL OR schedule_id = \(query.scheduleID))
              AND (\(query.itemKey)::text IS NULL OR item_key = \(query.itemKey))
              AND (\(query.state?.rawValue)::text IS NULL OR state = \(query.state?.rawValue))
              AND (\(query.after?.millis)::bigint IS NULL OR (created_at, id) < (\(query.after?.millis), \(query.after?.id)))
            ORDER BY created_at DESC, id DESC LIMIT \(Int64(max(0, query.limit)))
            """).map(Self.session)
    }
}
