import Foundation
import GRDB
import PacerStore

extension SQLiteSchema {
    /// The migrations after the first slice (schedules, runs). Append new ones at the end;
    /// never edit one that has shipped.
    static func registerLaterMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-events") { db in
            // The durable change feed: AUTOINCREMENT so a purged sequence is never reused.
            try db.execute(sql: """
                CREATE TABLE events (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX events_at ON events(at);
                CREATE INDEX runs_schedule ON runs(schedule_id, scheduled_at);
                CREATE INDEX runs_finished_at ON runs(finished_at);
                """)
        }
        m.registerMigration("v4-sessions") { db in
            // Transcript, tool log, events and recurrence as PacerJSON text.
            try db.execute(sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY NOT NULL,
                    agent_id TEXT NOT NULL,
                    schedule_id TEXT,
                    item_key TEXT,
                    state TEXT NOT NULL,
                    messages TEXT NOT NULL,
                    tool_log TEXT NOT NULL,
                    events TEXT NOT NULL,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    cost REAL NOT NULL,
                    previous_session_id TEXT,
                    resume_at INTEGER,
                    resume_prompt TEXT,
                    recurrence TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX sessions_chain ON sessions(schedule_id, item_key, created_at);
                CREATE INDEX sessions_wake ON sessions(state, resume_at);
                CREATE INDEX sessions_updated_at ON sessions(updated_at);
                """)
        }
        m.registerMigration("v5-catalog") { db in
            // Agents, monitors and workflows as PacerJSON text; names unique per kind.
            try db.execute(sql: """
                CREATE TABLE agents (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL
                );
                CREATE TABLE monitors (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL
                );
                CREATE TABLE workflows (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL
                );
                CREATE TABLE workflow_runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    definition TEXT NOT NULL
                );
                CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow_id, started_at);
                """)
        }
        m.registerMigration("v6-claim-order") { db in
            // Claims walk due states in (next fire, schedule) order and stop at the batch
            // size, instead of sorting every due row; the unique run key already covers
            // (schedule_id, scheduled_at) lookups.
            try db.execute(sql: """
                CREATE INDEX schedule_states_due ON schedule_states(next_fire_at, schedule_id);
                DROP INDEX schedule_states_next_fire_at;
                DROP INDEX runs_schedule;
                """)
        }
        m.registerMigration("v7-tokens") { db in
            // API tokens: the SHA-256 of the secret, never the secret; scopes space-separated.
            try db.execute(sql: """
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    scopes TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER
                );
                """)
        }
        m.registerMigration("v8-revoked-token-names") { db in
            // Names of deleted tokens: schedules they own run with no scopes, never as local owners.
            try db.execute(sql: """
                CREATE TABLE revoked_token_names (
                    name TEXT PRIMARY KEY NOT NULL,
                    revoked_at INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v9-settings") { db in
            // Settings a server publishes for the other writers (its policy), as PacerJSON text.
            try db.execute(sql: """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v10-processes") { db in
            // The liveness of each engine process: its held and running runs are taken over
            // when it stops beating (held and running runs are found by status).
            try db.execute(sql: """
                CREATE TABLE processes (
                    owner TEXT PRIMARY KEY NOT NULL,
                    heartbeat_at INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v11-continuations") { db in
            // A fire's runs are its steps (0 for the fire, 1 for its first continuation, ...)
            // and each step's attempts; a continuation carries the state its step reads. The
            // unique key gains the step (SQLite cannot alter a table constraint: the table is
            // rebuilt). A waiting agent session becomes the queued continuation of its fire.
            try db.execute(sql: """
                CREATE TABLE runs_next (
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
                    step INTEGER NOT NULL DEFAULT 0,
                    state TEXT,
                    UNIQUE (schedule_id, scheduled_at, item_key, step, attempt)
                );
                INSERT INTO runs_next (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
                                       started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id)
                SELECT id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger, owner,
                       started_at, finished_at, heartbeat_at, output, error, delivery_error, session_id FROM runs;
                DROP TABLE runs;
                ALTER TABLE runs_next RENAME TO runs;
                CREATE INDEX runs_status ON runs(status, fires_at);
                CREATE INDEX runs_finished_at ON runs(finished_at);
                CREATE INDEX runs_session ON runs(session_id) WHERE session_id IS NOT NULL;
                -- Two sessions of one fire (a retry's) cannot both be step 1: the second is
                -- woken later by the recovery pass, after the first.
                INSERT OR IGNORE INTO runs (id, schedule_id, scheduled_at, fires_at, attempt, item_key, status, trigger,
                                            session_id, step)
                SELECT 'run_' || substr(s.id, 5), s.schedule_id,
                       COALESCE((SELECT max(r.scheduled_at) FROM runs r WHERE r.session_id = s.id), s.resume_at),
                       s.resume_at, 1, COALESCE(s.item_key, ''), 'queued', 'resume', s.id, 1
                FROM sessions s
                WHERE s.state = 'waiting' AND s.resume_at IS NOT NULL
                  AND s.schedule_id IN (SELECT id FROM schedules);
                """)
        }
        m.registerMigration("v12-list-pages") { db in
            // Newest-first pages of every run and session (the API's lists) by keyset.
            try db.execute(sql: """
                CREATE INDEX runs_recent ON runs(scheduled_at, id);
                CREATE INDEX sessions_recent ON sessions(created_at, id);
                """)
        }
        m.registerMigration("v13-schedule-fingerprints") { db in
            // Owner, timing and target hashed (Schedule.fingerprint): identical schedules are
            // found by an index. Rows written before it are filled in at open.
            try db.execute(sql: """
                ALTER TABLE schedules ADD COLUMN fingerprint TEXT;
                CREATE INDEX schedules_fingerprint ON schedules(fingerprint);
                """)
        }
        m.registerMigration("v14-schedule-run-pages") { db in
            // A schedule's runs, newest first, page by page without a sort.
            try db.execute(sql: "CREATE INDEX runs_schedule_recent ON runs(schedule_id, scheduled_at, id)")
        }
    }
}
