import Foundation
import PacerCore
import PacerStore
import PostgresNIO

/// The PostgreSQL schema: named, forward-only migrations, each applied in one transaction
/// under an advisory lock and recorded in `pacer_migrations`, so replicas that start at once
/// migrate safely. Instants are `bigint` milliseconds since 1970 (UTC), exact like SQLite's;
/// definitions and documents are PacerJSON text.
enum PostgresSchema: StoreMapping {
    /// `pg_advisory_xact_lock` key held while migrating.
    static let migrationLock: Int64 = 0x7061_6365_7201
    /// `pg_advisory_xact_lock` key held from the event insert to the commit, so event
    /// sequence numbers become visible in order (a reader never skips a late commit).
    static let eventLock: Int64 = 0x7061_6365_7202
    /// The `LISTEN/NOTIFY` channel; the payload is the last event sequence of the write.
    static let channel = "pacer_changes"

    /// Migrations in order: a name and its statements.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1-schedules", [
            """
            CREATE TABLE schedules (
                id text PRIMARY KEY,
                name text NOT NULL CONSTRAINT schedules_name_key UNIQUE,
                enabled boolean NOT NULL,
                revision bigint NOT NULL,
                definition text NOT NULL)
            """,
            """
            CREATE TABLE schedule_states (
                schedule_id text PRIMARY KEY REFERENCES schedules(id) ON DELETE CASCADE,
                next_fire_at bigint,
                last_fire_at bigint,
                last_status text,
                fire_count bigint NOT NULL DEFAULT 0,
                consecutive_failures bigint NOT NULL DEFAULT 0,
                paused_reason text)
            """,
            "CREATE INDEX schedule_states_next_fire_at ON schedule_states(next_fire_at)",
            """
            CREATE TABLE revisions (
                schedule_id text NOT NULL,
                revision bigint NOT NULL,
                snapshot text NOT NULL,
                created_at bigint NOT NULL,
                author text NOT NULL,
                PRIMARY KEY (schedule_id, revision))
            """,
        ]),
        ("v2-runs", [
            // item_key is '' without per-item dispatch: NULLs would never collide in UNIQUE.
            """
            CREATE TABLE runs (
                id text PRIMARY KEY,
                schedule_id text NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
                scheduled_at bigint NOT NULL,
                fires_at bigint NOT NULL,
                attempt bigint NOT NULL,
                item_key text NOT NULL DEFAULT '',
                status text NOT NULL,
                trigger text NOT NULL,
                owner text,
                started_at bigint,
                finished_at bigint,
                heartbeat_at bigint,
                output text,
                error text,
                delivery_error text,
                session_id text,
                CONSTRAINT runs_fire_key UNIQUE (schedule_id, scheduled_at, attempt, item_key))
            """,
            "CREATE INDEX runs_status ON runs(status, fires_at)",
        ]),
        ("v3-sessions-catalog-events", [
            """
            CREATE TABLE sessions (
                id text PRIMARY KEY,
                schedule_id text,
                item_key text NOT NULL DEFAULT '',
                state text NOT NULL,
                resume_at bigint,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                document text NOT NULL)
            """,
            "CREATE INDEX sessions_chain ON sessions(schedule_id, item_key, created_at)",
            "CREATE INDEX sessions_waiting ON sessions(resume_at) WHERE state = 'waiting'",
            """
            CREATE TABLE agents (id text PRIMARY KEY, name text NOT NULL CONSTRAINT agents_name_key UNIQUE,
                                 document text NOT NULL)
            """,
            """
            CREATE TABLE monitors (id text PRIMARY KEY, name text NOT NULL CONSTRAINT monitors_name_key UNIQUE,
                                   document text NOT NULL)
            """,
            """
            CREATE TABLE workflows (id text PRIMARY KEY, name text NOT NULL CONSTRAINT workflows_name_key UNIQUE,
                                    document text NOT NULL)
            """,
            """
            CREATE TABLE workflow_runs (id text PRIMARY KEY, workflow_id text NOT NULL, started_at bigint NOT NULL,
                                        document text NOT NULL)
            """,
            "CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow_id, started_at)",
            """
            CREATE TABLE events (sequence bigserial PRIMARY KEY, kind text NOT NULL, entity_id text NOT NULL,
                                 at bigint NOT NULL)
            """,
            "CREATE INDEX events_at ON events(at)",
        ]),
        // Claims take the due states in (next fire, schedule) order: an index in that order
        // stops the scan at the batch's end instead of sorting every due state.
        ("v4-claim-order", [
            "CREATE INDEX schedule_states_due ON schedule_states(next_fire_at, schedule_id)",
            "DROP INDEX schedule_states_next_fire_at",
        ]),
        // API tokens: the SHA-256 of the secret, never the secret; scopes space-separated.
        ("v5-tokens", [
            """
            CREATE TABLE tokens (
                id text PRIMARY KEY,
                name text NOT NULL CONSTRAINT tokens_name_key UNIQUE,
                scopes text NOT NULL,
                hash text NOT NULL CONSTRAINT tokens_hash_key UNIQUE,
                created_at bigint NOT NULL,
                last_used_at bigint)
            """,
        ]),
        // Names of deleted tokens: schedules they own run with no scopes, never as local owners.
        ("v6-revoked-token-names", [
            "CREATE TABLE revoked_token_names (name text PRIMARY KEY, revoked_at bigint NOT NULL)",
        ]),
        // Settings a server publishes for the other writers (its policy), as PacerJSON text.
        ("v7-settings", [
            "CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL)",
        ]),
        // The liveness of each engine process: its held and running runs are taken over when
        // it stops beating.
        ("v8-processes", [
            "CREATE TABLE processes (owner text PRIMARY KEY, heartbeat_at bigint NOT NULL)",
        ]),
        // A fire's runs are its steps (0 for the fire, 1 for its first continuation, ...) and
        // each step's attempts; a continuation carries the state its step reads. A waiting
        // agent session becomes the queued continuation of its fire.
        ("v9-continuations", [
            "ALTER TABLE runs ADD COLUMN step bigint NOT NULL DEFAULT 0",
            "ALTER TABLE runs ADD COLUMN state text",
            "ALTER TABLE runs DROP CONSTRAINT runs_fire_key",
            "ALTER TABLE runs ADD CONSTRAINT runs_fire_key UNIQUE (schedule_id, scheduled_at, item_key, step, attempt)",
            "CREATE INDEX runs_session ON runs(session_id) WHERE session_id IS NOT NULL",
            """
            INSERT INTO runs (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, session_id, step)
            SELECT 'run_' || substr(s.id, 5), s.schedule_id,
                   COALESCE((SELECT max(r.scheduled_at) FROM runs r WHERE r.session_id = s.id), s.resume_at),
                   s.resume_at, 1, s.item_key, 'queued', 'resume', s.id, 1
            FROM sessions s
            WHERE s.state = 'waiting' AND s.resume_at IS NOT NULL
              AND s.schedule_id IN (SELECT id FROM schedules)
            ON CONFLICT ON CONSTRAINT runs_fire_key DO NOTHING
            """,
        ]),
        // Newest-first pages of every run and session (the API's lists) by keyset.
        ("v10-list-pages", [
            "CREATE INDEX runs_recent ON runs(scheduled_at, id)",
            "CREATE INDEX sessions_recent ON sessions(created_at, id)",
        ]),
        // Owner, timing and target hashed (Schedule.fingerprint): identical schedules are
        // found by an index. Rows written before it are filled in at open (`fillFingerprints`).
        ("v11-schedule-fingerprints", [
            "ALTER TABLE schedules ADD COLUMN fingerprint text",
            "CREATE INDEX schedules_fingerprint ON schedules(fingerprint)",
        ]),
        // A schedule's runs, newest first, page by page without a sort.
        ("v12-schedule-run-pages", ["CREATE INDEX runs_schedule_recent ON runs(schedule_id, scheduled_at, id)"]),
    ]

    /// Applies pending migrations, each in its own transaction under the migration lock.
    static func migrate(_ pool: PostgresPool, logger: Logger) async throws {
        for migration in migrations {
            // A migration may wait for another replica's and rewrite large tables: it gets an
            // hour, not the deadline of ordinary calls.
            try await pool.transaction(timeout: 3600) { c in
                try await c.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await c.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                try await c.query("""
                    CREATE TABLE IF NOT EXISTS pacer_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)
                    """, logger: logger)
                let done = try await c.query("SELECT 1 FROM pacer_migrations WHERE name = \(migration.name)", logger: logger)
                if try await done.collect().isEmpty == false { return }
                for sql in migration.statements {
                    try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await c.query("""
                    INSERT INTO pacer_migrations (name, applied_at) VALUES (\(migration.name), \(millis(Date())))
                    """, logger: logger)
            }
        }
    }

    // MARK: Mapping

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try PacerJSON.decode(type, from: Data(text.utf8))
    }

    static func status(_ text: String) throws -> Run.Status {
        guard let s = Run.Status(rawValue: text) else { throw StoreError.corrupt("run status '\(text)'") }
        return s
    }

    static let stateColumns = """
        schedule_id, next_fire_at, last_fire_at, last_status, fire_count, consecutive_failures, paused_reason
        """

    static func state(_ row: PostgresRow) throws -> ScheduleState {
        let (id, next, last, status, count, failures, paused) = try row.decode(
            (String, Int64?, Int64?, String?, Int64, Int64, String?).self)
        return ScheduleState(scheduleID: id, nextFireAt: date(next), lastFireAt: date(last),
                             lastStatus: try status.map(Self.status), fireCount: Int(count),
                             consecutiveFailures: Int(failures), pausedReason: paused)
    }
}
