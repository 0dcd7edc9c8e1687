import Foundation
import GRDB
import PacerCore
import PacerStore
import Recurrence
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``Store`` on one SQLite file, shared safely by several connections and processes:
/// WAL journal, 30 s busy timeout (a writer waits for the lock rather than fail under contention), writes in `IMMEDIATE` transactions, the file created with
/// mode 0600, the schema migrated on open. Every write appends to the `events` table in the
/// same transaction; ``changes()`` wakes subscribers after each local commit and, by polling
/// `PRAGMA data_version` every 200 ms once someone subscribes, after other processes' writes.
public final class SQLiteStore: Store {
    /// The file.
    public let path: String
    /// The connections; use ``pool``, which refuses once the store is closed.
    let database: DatabasePool
    let isClosed = Mutex(false)

    /// The connections, while the store is open: a closed one throws ``StoreError/closed``
    /// instead of touching connections that are gone.
    var pool: DatabasePool {
        get throws {
            if isClosed.withLock({ $0 }) { throw StoreError.closed }
            return database
        }
    }
    let clock: any WallClock
    let signal: SQLiteChangeSignal
    /// Decoded claim plans (cadence, exclusions, misfire policy) by schedule revision.
    let plans = ClaimPlanCache()
    /// Checkpoints the WAL beside the writer rather than inside its commits.
    let checkpointer: SQLiteCheckpointer
    /// Checkpoints run beside the writer so far (for tests).
    package var backgroundCheckpoints: Int { checkpointer.completed }

    /// Opens (and creates, with mode 0600) the database and applies pending migrations.
    /// - Parameters:
    ///   - path: the database file.
    ///   - clock: the instant of changes (`updated_at` of rollbacks, revision times); the
    ///     system clock unless a test fixes it.
    public init(path: String, clock: any WallClock = SystemClock()) throws {
        self.path = path
        self.clock = clock
        self.signal = SQLiteChangeSignal(path: path)
        self.checkpointer = SQLiteCheckpointer(path: path)
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            if fd < 0 { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            #if canImport(Glibc)
            _ = Glibc.close(fd)
            #else
            _ = Darwin.close(fd)
            #endif
        }
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // The writer gets a larger page cache: claims touch the state, run and event
            // indexes of many schedules per transaction. Readers read through the memory map
            // and keep a small cache, so memory does not grow with the number of readers.
            // Durability is unchanged.
            let cacheKiB = db.configuration.readonly ? 2048 : 32768
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteCheckpointer.backstopPages)")
            }
        }
        database = try DatabasePool(path: path, configuration: config)
        try Self.migrate(database)
        try Self.fillFingerprints(database)
    }

    /// Applies pending migrations. Several processes may open a new file at once: each
    /// migration runs in its own transaction, so a process that loses the race fails that
    /// transaction (nothing applied twice) and tries again from what the winner applied.
    static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            do {
                try SQLiteSchema.migrator.migrate(pool)
                return
            } catch {
                attempt += 1
                if attempt >= 50 { throw error }
                if (try? pool.read(SQLiteSchema.migrator.hasCompletedMigrations)) == true { return }
                usleep(UInt32.random(in: 5_000...25_000))
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, so concurrent writers queue on the
    /// busy timeout instead of failing when they upgrade a read lock. When the transaction
    /// changed rows, subscribers of ``changes()`` are woken after the commit.
    /// - Parameters:
    ///   - notify: whether a change wakes subscribers (not for lease renewals).
    ///   - body: the work, inside the transaction.
    func write<T: Sendable>(notify: Bool = true, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let (result, changed) = try await pool.writeWithoutTransaction { db in
            var result: T?
            let before = db.totalChangesCount
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return (result!, db.totalChangesCount != before)
        }
        if changed { checkpointer.request() }
        if notify && changed { signal.notify() }
        return result
    }

    // MARK: Schedules

    public func createSchedule(_ schedule: Schedule, author: String) async throws -> Schedule {
        let (s, first) = try schedule.preparedForCreate()
        let at = clock.now()
        return try await write { db in
            try Self.saveDefinition(s, insert: true, db)
            try db.execute(sql: "INSERT INTO schedule_states (schedule_id, next_fire_at) VALUES (?, ?)",
                           arguments: [s.id, first.map(SQLiteSchema.millis)])
            try Self.record(s, author: author, at: at, db)
            try SQLiteSchema.log(.scheduleCreated, s.id, at: at, db)
            return s
        }
    }

    /// Creates many schedules in one transaction (seeding tests and benchmarks); each is
    /// validated first and gets revision 1, its state and a `schedule_created` event.
    package func createSchedules(_ schedules: [Schedule], author: String) async throws {
        let prepared = try schedules.map { try $0.preparedForCreate() }
        let at = clock.now()
        try await write { db in
            for (s, first) in prepared {
                try Self.saveDefinition(s, insert: true, db)
                try db.execute(sql: "INSERT INTO schedule_states (schedule_id, next_fire_at) VALUES (?, ?)",
                               arguments: [s.id, first.map(SQLiteSchema.millis)])
                try Self.record(s, author: author, at: at, db)
                try SQLiteSchema.log(.scheduleCreated, s.id, at: at, db)
            }
        }
    }

    public func updateSchedule(_ schedule: Schedule, author: String) async throws -> Schedule {
        try schedule.requireValid()
        let at = clock.now()
        return try await write { db in
            let stored = try Self.fetch(schedule.id, db)
            guard Schedule.mayReplace(stored: stored.revision, given: schedule.revision) else {
                throw StoreError.revisionConflict(scheduleID: stored.id, stored: stored.revision, given: schedule.revision)
            }
            return try Self.replace(stored, with: schedule, author: author, at: at, db)
        }
    }

    public func schedule(id: String) async throws -> Schedule? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM schedules WHERE id = ?", arguments: [id])
                .map(SQLiteSchema.schedule)
        }
    }

    public func schedules(fingerprint: String) async throws -> [Schedule] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM schedules WHERE fingerprint = ? ORDER BY id", arguments: [fingerprint])
                .map(SQLiteSchema.schedule)
        }
    }

    public func schedule(name: String) async throws -> Schedule? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM schedules WHERE name = ?", arguments: [name])
                .map(SQLiteSchema.schedule)
        }
    }

    public func schedules() async throws -> [Schedule] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM schedules ORDER BY name, id").map(SQLiteSchema.schedule)
        }
    }

    public func schedules(afterID: String?, limit: Int) async throws -> [Schedule] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM schedules WHERE id > ? ORDER BY id LIMIT ?",
                                arguments: [afterID ?? "", max(0, limit)]).map(SQLiteSchema.schedule)
        }
    }

    @discardableResult
    public func deleteSchedule(id: String) async throws -> Bool {
        let at = clock.now()
        return try await write { db in
            try db.execute(sql: "DELETE FROM schedules WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try SQLiteSchema.log(.scheduleDeleted, id, at: at, db)
            try Self.cancelWaitingSessions(scheduleID: id, at: at, db)
            return true
        }
    }

    public func revisions(scheduleID: String) async throws -> [Revision] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT snapshot, created_at, author FROM revisions WHERE schedule_id = ? ORDER BY revision
                """, arguments: [scheduleID]).map { row in
                Revision(snapshot: try SQLiteSchema.schedule(row["snapshot"]),
                         createdAt: SQLiteSchema.date(row["created_at"])!, author: row["author"])
            }
        }
    }

    public func rollback(scheduleID: String, to revision: Int, author: String) async throws -> Schedule {
        // Whole milliseconds, as the definition's JSON keeps them, so the result reads back equal.
        let at = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 * 1000).rounded() / 1000)
        return try await write { db in
            let stored = try Self.fetch(scheduleID, db)
            guard let text = try String.fetchOne(db, sql: """
                SELECT snapshot FROM revisions WHERE schedule_id = ? AND revision = ?
                """, arguments: [scheduleID, revision]) else {
                throw StoreError.revisionNotFound(scheduleID: scheduleID, revision: revision)
            }
            var restored = try SQLiteSchema.schedule(text)
            restored.updatedAt = at
            return try Self.replace(stored, with: restored, author: author, at: at, db)
        }
    }

    public func state(scheduleID: String) async throws -> ScheduleState? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM schedule_states WHERE schedule_id = ?", arguments: [scheduleID])
                .map(SQLiteSchema.state)
        }
    }

    // MARK: Helpers (inside a write transaction)

    static func fetch(_ id: String, _ db: Database) throws -> Schedule {
        guard let text = try String.fetchOne(db, sql: "SELECT definition FROM schedules WHERE id = ?", arguments: [id])
        else { throw StoreError.scheduleNotFound(id) }
        return try SQLiteSchema.schedule(text)
    }

    /// Writes `new` as the revision after `stored`, records it, and recomputes the next fire
    /// from `at` when the timing changed.
    static func replace(_ stored: Schedule, with new: Schedule, author: String, at: Date, _ db: Database) throws -> Schedule {
        let (s, timingChanged) = try new.replacing(stored)
        try saveDefinition(s, insert: false, db)
        if timingChanged {
            let lastFire = try Int64.fetchOne(db, sql: "SELECT last_fire_at FROM schedule_states WHERE schedule_id = ?",
                                              arguments: [s.id])
            let next = try s.nextFireAfterEdit(now: at, lastFire: SQLiteSchema.date(lastFire))
            try db.execute(sql: "UPDATE schedule_states SET next_fire_at = ? WHERE schedule_id = ?",
                           arguments: [next.map(SQLiteSchema.millis), s.id])
        }
        try record(s, author: author, at: at, db)
        try SQLiteSchema.log(.scheduleUpdated, s.id, at: at, db)
        return s
    }

    static func saveDefinition(_ s: Schedule, insert: Bool, _ db: Database) throws {
        let sql = insert
            ? "INSERT INTO schedules (name, enabled, revision, definition, fingerprint, id) VALUES (?, ?, ?, ?, ?, ?)"
            : "UPDATE schedules SET name = ?, enabled = ?, revision = ?, definition = ?, fingerprint = ? WHERE id = ?"
        do {
            try db.execute(sql: sql, arguments: [s.name, s.enabled, s.revision, try SQLiteSchema.json(s), s.fingerprint, s.id])
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && (error.message ?? "").contains("schedules.name") {
            throw StoreError.nameTaken(s.name)
        }
    }

    static func record(_ s: Schedule, author: String, at: Date, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO revisions (schedule_id, revision, snapshot, created_at, author) VALUES (?, ?, ?, ?, ?)
            """, arguments: [s.id, s.revision, try SQLiteSchema.json(s), SQLiteSchema.millis(at), author])
    }
}
