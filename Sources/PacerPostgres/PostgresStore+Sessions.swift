import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func createSession(_ session: Session) async throws -> Session {
        try await write { c in
            try await self.saveSession(session, insert: true, c)
            try await self.record([(.sessionChanged, session.id)], at: session.updatedAt, c)
            return session
        }
    }

    public func session(id: String) async throws -> Session? {
        try await read("SELECT document FROM sessions WHERE id = \(id)").first.map(Self.session)
    }

    /// Newest first; `itemKey` narrows to one item of the schedule when given.
    public func sessions(scheduleID: String?, itemKey: String?, limit: Int) async throws -> [Session] {
        try await read("""
            SELECT document FROM sessions
            WHERE (\(scheduleID)::text IS NULL OR schedule_id = \(scheduleID))
              AND (\(itemKey)::text IS NULL OR item_key = \(itemKey))
            ORDER BY created_at DESC, id DESC LIMIT \(Int64(max(0, limit)))
            """).map(Self.session)
    }

    public func latestSession(scheduleID: String, itemKey: String?) async throws -> Session? {
        try await read("""
            SELECT document FROM sessions WHERE schedule_id = \(scheduleID) AND item_key = \(itemKey ?? "")
            ORDER BY created_at DESC, id DESC LIMIT 1
            """).first.map(Self.session)
    }

    public func appendToSession(id: String, messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                                inputTokens: Int, outputTokens: Int, cost: Double, at: Date) async throws -> Session {
        try await updateLocked(id, at: at) { s in
            s.append(messages: messages, toolCalls: toolCalls, events: events,
                     inputTokens: inputTokens, outputTokens: outputTokens, cost: cost)
        }
    }

    public func updateSession(id: String, state: Session.State, resumeAt: Date?, resumePrompt: String?,
                              recurrence: SessionRecurrence?, at: Date) async throws -> Session {
        try await move(id, to: state, resumeAt: resumeAt, resumePrompt: resumePrompt, recurrence: recurrence, events: [], at: at) { current in
            // A cancelled session stays cancelled: a run finishing after the cancel cannot revive it.
            // An ended one (error, done) stays as it ended: a run that lost its lease cannot revive it.
            !(current == .cancelled && state != .cancelled)
                && !((current == .error || current == .done) && state != current && state != .cancelled)
        }.session
    }

    public func transitionSession(id: String, from: Set<Session.State>, to state: Session.State, resumeAt: Date?,
                                  resumePrompt: String?, recurrence: SessionRecurrence?, event: SessionEvent,
                                  at: Date) async throws -> Session? {
        let result = try await move(id, to: state, resumeAt: resumeAt, resumePrompt: resumePrompt, recurrence: recurrence,
                                    events: [event], at: at) { from.contains($0) }
        return result.moved ? result.session : nil
    }

    /// Reads a session under `FOR UPDATE` and, when `allowed` accepts its state, moves it with
    /// `events` appended and its continuation synced, in one transaction.
    /// - Returns: the session after, and whether it moved.
    func move(_ id: String, to state: Session.State, resumeAt: Date?, resumePrompt: String?, recurrence: SessionRecurrence?,
              events: [SessionEvent], at: Date,
              allowed: @escaping @Sendable (Session.State) -> Bool) async throws -> (session: Session, moved: Bool) {
        try await write { c in
            guard let row = try await c.query("SELECT document FROM sessions WHERE id = \(id) FOR UPDATE",
                                              logger: self.logger).collect().first
            else { throw StoreError.sessionNotFound(id) }
            var s = try Self.session(row)
            guard allowed(s.state) else { return (s, false) }
            s.append(messages: [], toolCalls: [], events: events, inputTokens: 0, outputTokens: 0, cost: 0)
            s.state = state
            s.resumeAt = resumeAt
            s.resumePrompt = resumePrompt
            s.recurrence = recurrence
            s.updatedAt = at
            try await self.saveSession(s, insert: false, c)
            let runs = try await self.syncContinuation(ofSession: id, state: state, resumeAt: resumeAt, at: at, c)
            try await self.record([(.sessionChanged, id)] + runs, at: at, c)
            return (s, true)
        }
    }

    // MARK: Helpers

    static func session(_ row: PostgresRow) throws -> Session {
        try PostgresSchema.decode(Session.self, try row.decode(String.self))
    }

    /// Reads a session under `FOR UPDATE`, applies `change` and writes it back, in one
    /// transaction: concurrent appends never lose each other's messages.
    func updateLocked(_ id: String, at: Date, _ change: @escaping @Sendable (inout Session) -> Void) async throws -> Session {
        try await write { c in
            guard let row = try await c.query("SELECT document FROM sessions WHERE id = \(id) FOR UPDATE",
                                              logger: self.logger).collect().first
            else { throw StoreError.sessionNotFound(id) }
            var s = try Self.session(row)
            change(&s)
            s.updatedAt = at
            try await self.saveSession(s, insert: false, c)
            try await self.record([(.sessionChanged, id)], at: at, c)
            return s
        }
    }

    func saveSession(_ s: Session, insert: Bool, _ c: PostgresConnection) async throws {
        let document = try PostgresSchema.json(s)
        let resumeAt = s.resumeAt.map(PostgresSchema.millis)
        let (created, updated) = (PostgresSchema.millis(s.createdAt), PostgresSchema.millis(s.updatedAt))
        if insert {
            try await c.query("""
                INSERT INTO sessions (id, schedule_id, item_key, state, resume_at, created_at, updated_at, document)
                VALUES (\(s.id), \(s.scheduleID), \(s.itemKey ?? ""), \(s.state.rawValue), \(resumeAt), \(created),
                        \(updated), \(document))
                """, logger: self.logger)
        } else {
            try await c.query("""
                UPDATE sessions SET state = \(s.state.rawValue), resume_at = \(resumeAt), updated_at = \(updated),
                    document = \(document) WHERE id = \(s.id)
                """, logger: self.logger)
        }
    }
}
