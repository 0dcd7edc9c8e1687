import Foundation
import PacerCore
import PacerStore

/// The session operations every surface offers (the API, the MCP tools, the CLI), written
/// once: cancel a session, or wake a waiting one now. Each records who did it as an event.
public enum SessionOperations {
    /// Cancels a session that is not over.
    /// - Throws: ``OperationError/notFound(kind:reference:)``, or
    ///   ``OperationError/conflict(field:message:)`` (`state`) when it is over already.
    public static func cancel(_ id: String, in context: OperationContext) async throws -> Session {
        let store = context.store, now = context.instant
        let session = try await require(id, store)
        guard !session.state.isTerminal else {
            throw OperationError.conflict(field: "state", message: "session \(id) is \(session.state.rawValue) already; only a pending, running or waiting session can be cancelled")
        }
        let event = SessionEvent(at: now, kind: .stateChanged, detail: [
            "from": .string(session.state.rawValue), "to": .string(Session.State.cancelled.rawValue), "by": .string(context.caller.name),
        ])
        guard let cancelled = try await store.transitionSession(
            id: id, from: [session.state], to: .cancelled, resumeAt: nil, resumePrompt: session.resumePrompt,
            recurrence: session.recurrence, event: event, at: now)
        else { throw changedMeanwhile(id) }
        return cancelled
    }

    /// Makes a waiting session due now, keeping its prompt and recurrence; an engine wakes it
    /// on its next pass.
    /// - Throws: ``OperationError/notFound(kind:reference:)``, or
    ///   ``OperationError/conflict(field:message:)`` (`state`) when it is not waiting.
    public static func resumeNow(_ id: String, in context: OperationContext) async throws -> Session {
        let store = context.store, now = context.instant
        let session = try await require(id, store)
        guard session.state == .waiting else {
            throw OperationError.conflict(field: "state", message: "session \(id) is \(session.state.rawValue); only a waiting session can be resumed")
        }
        // Due already: the engine wakes it anyway, and writing now could race that wake-up.
        if let at = session.resumeAt, at <= now { return session }
        let event = SessionEvent(at: now, kind: "resume_requested", detail: [
            "resume_at": .string(PacerJSON.format(now)), "by": .string(context.caller.name),
            "was": session.resumeAt.map { .string(PacerJSON.format($0)) } ?? .null,
        ])
        guard let resumed = try await store.transitionSession(
            id: id, from: [.waiting], to: .waiting, resumeAt: now, resumePrompt: session.resumePrompt,
            recurrence: session.recurrence, event: event, at: now)
        else { throw changedMeanwhile(id) }
        return resumed
    }

    /// The session's state changed between the read and the write (the engine woke it, or its
    /// run ended it).
    static func changedMeanwhile(_ id: String) -> OperationError {
        .conflict(field: "state", message: "session \(id) changed state meanwhile; read it again and retry")
    }

    /// The session with that id.
    /// - Throws: ``OperationError/notFound(kind:reference:)``.
    public static func require(_ id: String, _ store: any SessionStore) async throws -> Session {
        if let s = try await store.session(id: id) { return s }
        throw OperationError.notFound(kind: "session", reference: id)
    }
}
