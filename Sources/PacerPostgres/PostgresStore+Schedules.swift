import Foundation
import PacerCore
import PacerStore
import PostgresNIO
import Recurrence

extension PostgresStore {
    public func createSchedule(_ schedule: Schedule, author: String) async throws -> Schedule {
        let (s, first) = try schedule.preparedForCreate()
        let at = clock.now()
        return try await write { c in
            try await self.saveDefinition(s, insert: true, c)
            try await c.query("""
                INSERT INTO schedule_states (schedule_id, next_fire_at) VALUES (\(s.id), \(first.map(PostgresSchema.millis)))
                """, logger: self.logger)
            try await self.recordRevision(s, author: author, at: at, c)
            try await self.record([(.scheduleCreated, s.id)], at: at, c)
            return s
        }
    }

    /// Creates many schedules in a few statements (seeding tests and benchmarks); each is
    /// validated first and gets revision 1, its state and a `schedule_created` event.
    package func createSchedules(_ schedules: [Schedule], author: String) async throws {
        var ids: [String] = [], names: [String] = [], enabled: [Bool] = [], definitions: [String] = [], prints: [String] = []
        var firsts: [Int64] = [], hasFirst: [Bool] = []
        for var s in schedules {
            s.revision = 1
            try s.requireValid()
            let first = try s.cadence().next(after: s.createdAt)
            ids.append(s.id); names.append(s.name); enabled.append(s.enabled)
            definitions.append(try PostgresSchema.json(s)); prints.append(s.fingerprint)
            firsts.append(first.map(PostgresSchema.millis) ?? 0); hasFirst.append(first != nil)
        }
        let at = clock.now()
        try await write { [ids, names, enabled, definitions, prints, firsts, hasFirst] c in
            do {
                try await c.query("""
                    INSERT INTO schedules (id, name, enabled, revision, definition, fingerprint)
                    SELECT id, name, enabled, 1, definition, fingerprint
                    FROM unnest(\(ids)::text[], \(names)::text[], \(enabled)::boolean[], \(definitions)::text[], \(prints)::text[])
                         AS t(id, name, enabled, definition, fingerprint)
                    """, logger: self.logger)
            } catch where Self.sqlState(error)?.constraint == "schedules_name_key" {
                throw StoreError.nameTaken("one of \(names.count) names")
            }
            try await c.query("""
                INSERT INTO schedule_states (schedule_id, next_fire_at)
                SELECT id, CASE WHEN has THEN first END FROM unnest(\(ids)::text[], \(firsts)::bigint[], \(hasFirst)::boolean[]) AS t(id, first, has)
                """, logger: self.logger)
            try await c.query("""
                INSERT INTO revisions (schedule_id, revision, snapshot, created_at, author)
                SELECT id, 1, definition, \(PostgresSchema.millis(at)), \(author)
                FROM unnest(\(ids)::text[], \(definitions)::text[]) AS t(id, definition)
                """, logger: self.logger)
            try await self.record(ids.map { (.scheduleCreated, $0) }, at: at, c)
        }
    }

    public func updateSchedule(_ schedule: Schedule, author: String) async throws -> Schedule {
        try schedule.requireValid()
        let at = clock.now()
        return try await write { c in
            let stored = try await self.fetchForUpdate(schedule.id, c)
            guard Schedule.mayReplace(stored: stored.revision, given: schedule.revision) else {
                throw StoreError.revisionConflict(scheduleID: stored.id, stored: stored.revision, given: schedule.revision)
            }
            return try await self.replace(stored, with: schedule, author: author, at: at, c)
        }
    }

    public func schedule(id: String) async throws -> Schedule? {
        try await read("SELECT definition FROM schedules WHERE id = \(id)").first
            .map { try PostgresSchema.decode(Schedule.self, try $0.decode(String.self)) }
    }

    public func schedules(fingerprint: String) async throws -> [Schedule] {
        try await read("SELECT definition FROM schedules WHERE fingerprint = \(fingerprint) ORDER BY id")
            .map { try PostgresSchema.decode(Schedule.self, try $0.decode(String.self)) }
    }

    public func schedule(name: String) async throws -> Schedule? {
        try await read("SELECT definition FROM schedules WHERE name = \(name)").first
            .map { try PostgresSchema.decode(Schedule.self, try $0.decode(String.self)) }
    }

    public func schedules() async throws -> [Schedule] {
        try await read("SELECT definition FROM schedules ORDER BY name, id")
            .map { try PostgresSchema.decode(Schedule.self, try $0.decode(String.self)) }
    }

    public func schedules(afterID: String?, limit: Int) async throws -> [Schedule] {
        try await read("""
            SELECT definition FROM schedules WHERE \(afterID ?? "") = '' OR id > \(afterID ?? "") ORDER BY id LIMIT \(Int64(max(0, limit)))
            """).map { try PostgresSchema.decode(Schedule.self, try $0.decode(String.self)) }
    }

    @discardableResult
    public func deleteSchedule(id: String) async throws -> Bool {
        let at = clock.now()
        return try await write { c in
            let deleted = try await c.query("DELETE FROM schedules WHERE id = \(id) RETURNING id", logger: self.logger).collect()
            if deleted.isEmpty { return false }
            let cancelled = try await self.cancelWaitingSessions(scheduleID: id, at: at, c)
            try await self.record([(.scheduleDeleted, id)] + cancelled.map { (.sessionChanged, $0) }, at: at, c)
            return true
        }
    }

    public func revisions(scheduleID: String) async throws -> [Revision] {
        try await read("""
            SELECT snapshot, created_at, author FROM revisions WHERE schedule_id = \(scheduleID) ORDER BY revision
            """).map { row in
            let (snapshot, created, author) = try row.decode((String, Int64, String).self)
            return Revision(snapshot: try PostgresSchema.decode(Schedule.self, snapshot),
                            createdAt: PostgresSchema.date(created)!, author: author)
        }
    }

    public func rollback(scheduleID: String, to revision: Int, author: String) async throws -> Schedule {
        // Whole milliseconds, as the definition's JSON keeps them, so the result reads back equal.
        let at = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 * 1000).rounded() / 1000)
        return try await write { c in
            let stored = try await self.fetchForUpdate(scheduleID, c)
            guard let row = try await c.query("""
                SELECT snapshot FROM revisions WHERE schedule_id = \(scheduleID) AND revision = \(Int64(revision))
                """, logger: self.logger).collect().first else {
                throw StoreError.revisionNotFound(scheduleID: scheduleID, revision: revision)
            }
            var restored = try PostgresSchema.decode(Schedule.self, try row.decode(String.self))
            restored.updatedAt = at
            return try await self.replace(stored, with: restored, author: author, at: at, c)
        }
    }

    public func state(scheduleID: String) async throws -> ScheduleState? {
        try await read("""
            SELECT \(unescaped: PostgresSchema.stateColumns) FROM schedule_states WHERE schedule_id = \(scheduleID)
            """).first.map(PostgresSchema.state)
    }

    // MARK: Helpers (inside a write transaction)

    func fetchForUpdate(_ id: String, _ c: PostgresConnection) async throws -> Schedule {
        guard let row = try await c.query("SELECT definition FROM schedules WHERE id = \(id) FOR UPDATE",
                                          logger: self.logger).collect().first
        else { throw StoreError.scheduleNotFound(id) }
        return try PostgresSchema.decode(Schedule.self, try row.decode(String.self))
    }

    /// Writes `new` as the revision after `stored`, records it, and recomputes the next fire
    /// from `at` when the timing changed.
    func replace(_ stored: Schedule, with new: Schedule, author: String, at: Date, _ c: PostgresConnection) async throws -> Schedule {
        let (s, timingChanged) = try new.replacing(stored)
        try await saveDefinition(s, insert: false, c)
        if timingChanged {
            let lastFire = try await c.query("SELECT last_fire_at FROM schedule_states WHERE schedule_id = \(s.id)", logger: self.logger)
                .collect().first?.decode(Int64?.self)
            let next = try s.nextFireAfterEdit(now: at, lastFire: PostgresSchema.date(lastFire ?? nil))
            try await c.query("""
                UPDATE schedule_states SET next_fire_at = \(next.map(PostgresSchema.millis)) WHERE schedule_id = \(s.id)
                """, logger: self.logger)
        }
        try await recordRevision(s, author: author, at: at, c)
        try await record([(.scheduleUpdated, s.id)], at: at, c)
        return s
    }

    func saveDefinition(_ s: Schedule, insert: Bool, _ c: PostgresConnection) async throws {
        let definition = try PostgresSchema.json(s)
        let revision = Int64(s.revision)
        do {
            if insert {
                try await c.query("""
                    INSERT INTO schedules (id, name, enabled, revision, definition, fingerprint)
                    VALUES (\(s.id), \(s.name), \(s.enabled), \(revision), \(definition), \(s.fingerprint))
                    """, logger: self.logger)
            } else {
                try await c.query("""
                    UPDATE schedules SET name = \(s.name), enabled = \(s.enabled), revision = \(revision),
                        definition = \(definition), fingerprint = \(s.fingerprint) WHERE id = \(s.id)
                    """, logger: self.logger)
            }
        } catch where Self.sqlState(error)?.constraint == "schedules_name_key" {
            throw StoreError.nameTaken(s.name)
        }
    }

    func recordRevision(_ s: Schedule, author: String, at: Date, _ c: PostgresConnection) async throws {
        try await c.query("""
            INSERT INTO revisions (schedule_id, revision, snapshot, created_at, author)
            VALUES (\(s.id), \(Int64(s.revision)), \(try PostgresSchema.json(s)), \(PostgresSchema.millis(at)), \(author))
            """, logger: self.logger)
    }
}

extension PostgresStore {
    /// Writes the fingerprint of schedules stored before fingerprints were (a migration of
    /// SQL statements cannot compute one); nothing to do on later opens.
    func fillFingerprints() async throws {
        let rows = try await read("SELECT id, definition FROM schedules WHERE fingerprint IS NULL")
        guard !rows.isEmpty else { return }
        var ids: [String] = [], prints: [String] = []
        for row in rows {
            let (id, definition) = try row.decode((String, String).self)
            ids.append(id)
            prints.append(try PostgresSchema.decode(Schedule.self, definition).fingerprint)
        }
        try await write { [ids, prints] c in
            try await c.query("""
                UPDATE schedules SET fingerprint = t.fingerprint
                FROM unnest(\(ids)::text[], \(prints)::text[]) AS t(id, fingerprint)
                WHERE schedules.id = t.id AND schedules.fingerprint IS NULL
                """, logger: self.logger)
        }
    }
}
