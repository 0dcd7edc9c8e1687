import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    /// Records events as the last step of a write transaction and sends `NOTIFY`. The event
    /// lock is held until commit, so sequence numbers commit in order and a reader polling
    /// ``events(after:limit:)`` never skips an event that commits late.
    func record(_ events: [(Event.Kind, String)], at: Date, _ c: PostgresConnection) async throws {
        guard !events.isEmpty else { return }
        let kinds = events.map(\.0.rawValue), ids = events.map(\.1)
        try await c.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.eventLock))", logger: self.logger)
        try await c.query("""
            WITH added AS (
                INSERT INTO events (kind, entity_id, at)
                SELECT kind, entity_id, \(PostgresSchema.millis(at)) FROM unnest(\(kinds)::text[], \(ids)::text[]) AS t(kind, entity_id)
                RETURNING sequence)
            SELECT pg_notify(\(PostgresSchema.channel), max(sequence)::text) FROM added
            """, logger: self.logger).collect()
    }

    public func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        return try await read("""
            SELECT sequence, kind, entity_id, at FROM events WHERE sequence > \(cursor) ORDER BY sequence LIMIT \(Int64(max(0, limit)))
            """).map { row in
            let (sequence, kind, entity, at) = try row.decode((Int64, String, String, Int64).self)
            guard let k = Event.Kind(rawValue: kind) else { throw StoreError.corrupt("event kind '\(kind)'") }
            return StoredEvent(sequence: sequence, event: Event(kind: k, entityID: entity, at: PostgresSchema.date(at)!))
        }
    }

    public func lastEventSequence() async throws -> Int64 {
        try await read("SELECT COALESCE(MAX(sequence), 0)::int8 FROM events").first?.decode(Int64.self) ?? 0
    }

    @discardableResult
    public func purge(before cutoff: Date) async throws -> PurgeCounts {
        let cut = PostgresSchema.millis(cutoff)
        return try await write { c in
            let old = try await c.query("""
                DELETE FROM runs WHERE status NOT IN ('queued', 'running', 'held') AND COALESCE(finished_at, scheduled_at) < \(cut)
                RETURNING id
                """, logger: self.logger).collect().count
            // keep_last: the newest N finished runs of a schedule stay, whatever their age.
            let beyond = try await c.query("""
                DELETE FROM runs r USING (
                    SELECT r2.id, (s.definition::jsonb #>> '{policies,keep_last}')::bigint AS keep,
                           row_number() OVER (PARTITION BY r2.schedule_id
                                              ORDER BY r2.scheduled_at DESC, r2.step DESC, r2.attempt DESC, r2.id DESC) AS n
                    FROM runs r2 JOIN schedules s ON s.id = r2.schedule_id
                    WHERE r2.status NOT IN ('queued', 'running', 'held')
                      AND s.definition::jsonb #>> '{policies,keep_last}' IS NOT NULL) ranked
                WHERE r.id = ranked.id AND ranked.n > ranked.keep
                RETURNING r.id
                """, logger: self.logger).collect().count
            let sessions = try await c.query("""
                DELETE FROM sessions WHERE state IN ('done', 'error', 'cancelled') AND updated_at < \(cut) RETURNING id
                """, logger: self.logger).collect().count
            let events = try await c.query("DELETE FROM events WHERE at < \(cut) RETURNING sequence",
                                           logger: self.logger).collect().count
            return PurgeCounts(runs: old + beyond, sessions: sessions, events: events)
        }
    }
}
