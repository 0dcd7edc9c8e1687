import Foundation
import GRDB
import PacerCore
import PacerStore

/// The SQLite schema: named, forward-only migrations, one transaction each, recorded in the
/// database by `DatabaseMigrator`. Instants are integer milliseconds since 1970 (UTC).
enum SQLiteSchema: StoreMapping {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-schedules") { db in
            // Definitions as PacerJSON text, with the columns queries need.
            try db.execute(sql: """
                CREATE TABLE schedules (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    enabled INTEGER NOT NULL,
                    revision INTEGER NOT NULL,
                    definition TEXT NOT NULL
                );
                CREATE INDEX schedules_enabled ON schedules(enabled);
                -- Runtime state, written by the engine, apart from the definition.
                CREATE TABLE schedule_states (
                    schedule_id TEXT PRIMARY KEY NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
                    next_fire_at INTEGER,
                    last_fire_at INTEGER,
                    last_status TEXT,
                    fire_count INTEGER NOT NULL DEFAULT 0,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    paused_reason TEXT
                );
                CREATE INDEX schedule_states_next_fire_at ON schedule_states(next_fire_at);
                -- History: kept when a schedule is deleted.
                CREATE TABLE revisions (
                    schedule_id TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    snapshot TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    author TEXT NOT NULL,
                    PRIMARY KEY (schedule_id, revision)
                );
                """)
        }
        m.registerMigration("v2-runs") { db in
            // item_key is '' without per-item dispatch: NULLs would never collide in UNIQUE.
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
                    scheduled_at INTEGER NOT NULL,
                    fires_at INTEGER NOT NULL,
                    attempt INTEGER NOT NULL,
                    item_key TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL,
                    trigger TEXT NOT NULL,
                    owner TEXT,
                    started_at INTEGER,
                    finished_at INTEGER,
                    heartbeat_at INTEGER,
                    output TEXT,
                    error TEXT,
                    delivery_error TEXT,
                    session_id TEXT,
                    UNIQUE (schedule_id, scheduled_at, attempt, item_key)
                );
                CREATE INDEX runs_status ON runs(status, fires_at);
                """)
        }
        registerLaterMigrations(&m)
        return m
    }

    // MARK: Mapping

    static func schedule(_ text: String) throws -> Schedule {
        try PacerJSON.decode(Schedule.self, from: Data(text.utf8))
    }

    static func state(_ row: Row) throws -> ScheduleState {
        let status: String? = row["last_status"]
        return ScheduleState(
            scheduleID: row["schedule_id"],
            nextFireAt: date(row["next_fire_at"]),
            lastFireAt: date(row["last_fire_at"]),
            lastStatus: try status.map { s in
                guard let v = Run.Status(rawValue: s) else { throw StoreError.corrupt("run status '\(s)'") }
                return v
            },
            fireCount: row["fire_count"],
            consecutiveFailures: row["consecutive_failures"],
            pausedReason: row["paused_reason"])
    }

    static func insert(_ run: Run, _ db: Database) throws {
        try db.executeCached("""
            INSERT INTO runs (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
                              started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id,
                              step, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [run.id, run.scheduleID, millis(run.scheduledAt), millis(run.firesAt), run.attempt,
                        run.itemKey ?? "", run.status.rawValue, run.trigger.rawValue, run.owner,
                        run.startedAt.map(millis), run.finishedAt.map(millis), run.heartbeatAt.map(millis),
                        run.output, run.error, run.deliveryError, run.sessionID, run.step, try run.state.map(json)])
    }
}
