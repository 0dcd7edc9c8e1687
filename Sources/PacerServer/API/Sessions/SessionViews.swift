import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// How sessions look on the wire: the short summary of lists, the full session with names,
/// and the chain of a session.
enum SessionViews {
    /// Most characters of `last_text` in a summary.
    static let lastTextLimit = 500
    /// Most sessions read to find a chain's links or a schedule's items.
    static let scanLimit = 10_000
    /// Most predecessors a chain follows.
    static let chainLimit = 1000

    /// A session in a list: no transcript, its counts and the last assistant text.
    /// Every member is present; absent values are `null`.
    struct Summary: Encodable, Sendable {
        var session: Session

        init(_ session: Session) { self.session = session }

        enum CodingKeys: String, CodingKey {
            case id, state, cost, turns, recurrence
            case agentID = "agent_id", scheduleID = "schedule_id", itemKey = "item_key"
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case createdAt = "created_at", updatedAt = "updated_at", resumeAt = "resume_at", resumePrompt = "resume_prompt"
            case previousSessionID = "previous_session_id", lastText = "last_text"
        }

        func encode(to encoder: any Encoder) throws {
            let s = session
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(s.id, forKey: .id)
            try c.encode(s.agentID, forKey: .agentID)
            try c.encode(s.scheduleID, forKey: .scheduleID)
            try c.encode(s.itemKey, forKey: .itemKey)
            try c.encode(s.state, forKey: .state)
            try c.encode(s.inputTokens, forKey: .inputTokens)
            try c.encode(s.outputTokens, forKey: .outputTokens)
            try c.encode(s.cost, forKey: .cost)
            try c.encode(s.messages.count(where: { $0.role == .assistant }), forKey: .turns)
            try c.encode(s.createdAt, forKey: .createdAt)
            try c.encode(s.updatedAt, forKey: .updatedAt)
            try c.encode(s.resumeAt, forKey: .resumeAt)
            try c.encode(s.resumePrompt, forKey: .resumePrompt)
            try c.encode(s.previousSessionID, forKey: .previousSessionID)
            try c.encode(s.recurrence, forKey: .recurrence)
            try c.encode(s.lastText.map { String($0.prefix(SessionViews.lastTextLimit)) }, forKey: .lastText)
        }
    }

    /// The whole session as ``PacerCore/Session`` encodes it, plus the names of its agent and
    /// schedule when they still exist.
    struct Detail: Encodable, Sendable {
        var session: Session
        var agentName: String?
        var scheduleName: String?

        enum CodingKeys: String, CodingKey {
            case agentName = "agent_name", scheduleName = "schedule_name"
        }

        func encode(to encoder: any Encoder) throws {
            try session.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(agentName, forKey: .agentName)
            try c.encodeIfPresent(scheduleName, forKey: .scheduleName)
        }
    }

    /// `{"sessions": [...]}`, with `next` for a chain.
    struct List: Encodable, Sendable {
        var sessions: [Summary]
        var next: [Summary]?
    }

    /// The session with the names of its agent and schedule.
    static func detail(_ session: Session, _ store: any Store) async throws -> Detail {
        let agent = try await store.agent(id: session.agentID)
        let schedule: Schedule? = if let id = session.scheduleID { try await store.schedule(id: id) } else { nil }
        return Detail(session: session, agentName: agent?.name, scheduleName: schedule?.name)
    }

    /// The session with that id.
    /// - Throws: ``APIError`` 404.
    static func require(_ id: String, _ store: any Store) async throws -> Session {
        guard let session = try await store.session(id: id) else { throw APIError.notFound("session", id) }
        return session
    }

    /// A schedule given by id or by name, or `nil`.
    static func schedule(_ idOrName: String, _ store: any Store) async throws -> Schedule? {
        try await Lookup.schedule(idOrName, in: store)
    }

    /// The chain of a session: itself and its predecessors through `previous_session_id`,
    /// newest first (a cycle or a missing link ends it), and the sessions that name it as
    /// their previous one, newest first.
    static func chain(of session: Session, _ store: any Store) async throws -> (sessions: [Session], next: [Session]) {
        // The links stay within one (schedule, item key); read those sessions once.
        var known: [String: Session] = [:]
        var siblings: [Session] = []
        if let scheduleID = session.scheduleID {
            siblings = try await store.sessions(scheduleID: scheduleID, itemKey: session.itemKey, limit: scanLimit)
            for s in siblings { known[s.id] = s }
        }
        var chain = [session]
        var seen: Set<String> = [session.id]
        var link = session.previousSessionID
        while let id = link, !seen.contains(id), chain.count <= chainLimit {
            let previous: Session? = if let s = known[id] { s } else { try await store.session(id: id) }
            guard let previous else { break }
            chain.append(previous)
            seen.insert(id)
            link = previous.previousSessionID
        }
        let next = siblings.filter { $0.previousSessionID == session.id && $0.id != session.id }
        return (chain, next)
    }
}
