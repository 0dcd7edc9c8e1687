import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func insertBackfill(_ runs: [Run]) async throws -> [Run] {
        guard let first = runs.first else { return [] }
        let at = clock.now()
        let instants = runs.map { PostgresSchema.millis($0.scheduledAt) }
        let low = instants.min()!, high = instants.max()!
        return try await write { c in
            // The schedule's row lock keeps a concurrent backfill of it from choosing the same
            // attempts; NO KEY, so claims (whose run inserts take KEY SHARE) do not wait on it.
            guard try await c.query("SELECT 1 FROM schedules WHERE id = \(first.scheduleID) FOR NO KEY UPDATE",
                                    logger: self.logger).collect().first != nil else {
                throw StoreError.scheduleNotFound(first.scheduleID)
            }
            let existing = try await c.query("""
                SELECT \(unescaped: Self.runColumns) FROM runs
                WHERE schedule_id = \(first.scheduleID) AND step = 0 AND item_key = '' AND scheduled_at BETWEEN \(low) AND \(high)
                """, logger: self.logger).collect().map(Self.run)
            let recorded = Backfill.recordable(runs, existing: existing)
            guard !recorded.isEmpty else { return [] }
            // A claim may record the latest fire's run meanwhile: that fire has run, not a conflict.
            let inserted = Set(try await c.query("""
                INSERT INTO runs (\(unescaped: Self.runColumns))
                SELECT \(unescaped: Self.runColumns)
                FROM json_to_recordset(\(try Self.runRows(recorded))::json) AS t(\(unescaped: Self.runRecordType))
                ON CONFLICT ON CONSTRAINT runs_fire_key DO NOTHING RETURNING id
                """, logger: self.logger).collect().map { try $0.decode(String.self) })
            let kept = recorded.filter { inserted.contains($0.id) }
            try await self.record(kept.map { (.runQueued, $0.id) }, at: at, c)
            return kept
        }
    }

    public func holdQueued(id: String, owner: String, at: Date) async throws -> Run {
        try await write { c in
            guard let row = try await c.query("""
                UPDATE runs SET status = 'held', owner = \(owner), heartbeat_at = \(PostgresSchema.millis(at))
                WHERE id = \(id) AND status = 'queued' RETURNING \(unescaped: Self.runColumns)
                """, logger: self.logger).collect().first else {
                throw try await self.missingRun(id, c)
            }
            return try Self.run(row)
        }
    }

    public func startHeld(ids: [String], owner: String, at: Date) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let ms = PostgresSchema.millis(at)
        let rows = try await read("""
            UPDATE runs SET status = 'running', started_at = \(ms), heartbeat_at = \(ms)
            WHERE id = ANY(\(ids)::text[]) AND status IN ('held', 'running') AND owner = \(owner) RETURNING id
            """)
        return Set(try rows.map { try $0.decode(String.self) })
    }

    public func handBack(ids: [String], owner: String, at: Date) async throws {
        guard !ids.isEmpty else { return }
        try await write { c in
            let rows = try await c.query("""
                UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, started_at = NULL
                WHERE id = ANY(\(ids)::text[]) AND status IN ('held', 'running') AND owner = \(owner) RETURNING id
                """, logger: self.logger).collect()
            let handed = try rows.map { try $0.decode(String.self) }
            if !handed.isEmpty { try await self.record(handed.map { (.runQueued, $0) }, at: at, c) }
        }
    }

    public func beat(owner: String, at: Date) async throws {
        _ = try await read("""
            INSERT INTO processes (owner, heartbeat_at) VALUES (\(owner), \(PostgresSchema.millis(at)))
            ON CONFLICT (owner) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at
            """)
    }

    // MARK: Helpers

    /// The error for a run that a fenced write did not match.
}
