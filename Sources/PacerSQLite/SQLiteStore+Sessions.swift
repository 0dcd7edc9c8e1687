import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    public func createSession(_ session: Session) async throws -> Session {
        try await write { db in
            try SQLiteSchema.save(session, db)
            try SQLiteSchema.log(.sessionChanged, session.id, at: session.updatedAt, db)
            return try Self.fetchSession(session.id, db)
        }
    }

    public func session(id: String) async throws -> Session? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]).map(SQLiteSchema.session)
        }
    }

    public func sessions(scheduleID: String?, itemKey: String?, limit: Int) async throws -> [Session] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM sessions
                WHERE (?1 IS NULL OR schedule_id = ?1) AND (?2 IS NULL OR item_key = ?2)
                ORDER BY created_at DESC, id DESC LIMIT ?3
                """, arguments: [scheduleID, itemKey, max(0, limit)]).map(SQLiteSchema.session)
        }
    }

    public func latestSession(scheduleID: String, itemKey: String?) async throws -> Session? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM sessions WHERE schedule_id = ? AND item_key IS ?
                ORDER BY created_at DESC, id DESC LIMIT 1
                """, arguments: [scheduleID, itemKey]).map(SQLiteSchema.session)
        }
    }

    public func appendToSession(id: String, messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                                inputTokens: Int, outputTokens: Int, cost: Double, at: Date) async throws -> Session {
        // Read, modify and write in one IMMEDIATE transaction: concurrent appends queue, none is lost.
        try await write { db in
            var s = try Self.fetchSession(id, db)
            s.append(messages: messages, toolCalls: toolCalls, events: events,
                     inputTokens: inputTokens, outputTokens: outputTokens, cost: cost)
            s.updatedAt = at
            try db.execute(sql: """
                UPDATE sessions SET messages = ?, tool_log = ?, events = ?, input_tokens = ?, output_tokens = ?,
                    cost = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [try SQLiteSchema.json(s.messages), try SQLiteSchema.json(s.toolLog),
                                 try SQLiteSchema.json(s.events), s.inputTokens, s.outputTokens, s.cost,
                                 SQLiteSchema.millis(at), id])
            try SQLiteSchema.log(.sessionChanged, id, at: at, db)
            return s
        }
    }

    public func updateSession(id: String, state: Session.State, resumeAt: Date?, resumePrompt: String?,
                              recurrence: SessionRecurrence?, at: Date) async throws -> Session {
        try await write { db in
            // A cancelled session stays cancelled: a run finishing after the cancel cannot revive it.
            // An ended one (error, done) stays as it ended: a run that lost its lease cannot revive it.
            try db.execute(sql: """
                UPDATE sessions SET state = ?1, resume_at = ?2, resume_prompt = ?3, recurrence = ?4, updated_at = ?5
                WHERE id = ?6 AND (state <> 'cancelled' OR ?1 = 'cancelled')
                  AND (state NOT IN ('error', 'done') OR ?1 = state OR ?1 = 'cancelled')
                """, arguments: [state.rawValue, resumeAt.map(SQLiteSchema.millis), resumePrompt,
                                 try recurrence.map(SQLiteSchema.json), SQLiteSchema.millis(at), id])
            guard db.changesCount > 0 else { return try Self.fetchSession(id, db) }
            try SQLiteSchema.log(.sessionChanged, id, at: at, db)
            try Self.syncContinuation(ofSession: id, state: state, resumeAt: resumeAt, at: at, db)
            return try Self.fetchSession(id, db)
        }
    }

    public func transitionSession(id: String, from: Set<Session.State>, to state: Session.State, resumeAt: Date?,
                                  resumePrompt: String?, recurrence: SessionRecurrence?, event: SessionEvent,
                                  at: Date) async throws -> Session? {
        try await write { db in
            var s = try Self.fetchSession(id, db)
            guard from.contains(s.state) else { return nil }
            s.append(messages: [], toolCalls: [], events: [event], inputTokens: 0, outputTokens: 0, cost: 0)
            try db.execute(sql: """
                UPDATE sessions SET state = ?, resume_at = ?, resume_prompt = ?, recurrence = ?, events = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [state.rawValue, resumeAt.map(SQLiteSchema.millis), resumePrompt, try recurrence.map(SQLiteSchema.json),
                                 try SQLiteSchema.json(s.events), SQLiteSchema.millis(at), id])
            try SQLiteSchema.log(.sessionChanged, id, at: at, db)
            try Self.syncContinuation(ofSession: id, state: state, resumeAt: resumeAt, at: at, db)
            return try Self.fetchSession(id, db)
        }
    }

    static func fetchSession(_ id: String, _ db: Database) throws -> Session {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]) else {
            throw StoreError.sessionNotFound(id)
        }
        return try SQLiteSchema.session(row)
    }
}
