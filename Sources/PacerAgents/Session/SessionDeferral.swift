import Foundation
import PacerCore

/// How a pacing tool's effect (`schedule_resume`, `schedule_recurring`) is written on its
/// session: the same whether the session's own run ends with it, or an MCP client paces a
/// stored session. A pure decision; the caller writes it with `updateSession`.
public enum SessionDeferral {
    /// The session's state, wake-up and recurrence to store.
    public struct Write: Sendable, Hashable {
        public var state: Session.State
        public var resumeAt: Date?
        public var resumePrompt: String?
        public var recurrence: SessionRecurrence?
    }

    /// - Parameters:
    ///   - effect: the tool's effect.
    ///   - drivenByARun: a run is driving the session now and goes on with its stored
    ///     recurrence when it ends: the deferral is stored as one (a single-run one for a
    ///     resume) and the session stays `running`. Otherwise the session waits for it.
    ///   - at: the instant of the call.
    /// - Returns: what to store, or `nil` for an effect that is no deferral (a cap breach).
    public static func write(for effect: ToolEffect, drivenByARun: Bool, at: Date) -> Write? {
        switch (effect, drivenByARun) {
        case (.resume(let wakeAt, let prompt), false):
            return Write(state: .waiting, resumeAt: wakeAt, resumePrompt: prompt, recurrence: nil)
        case (.recurring(let r), false):
            return Write(state: .waiting, resumeAt: r.startedAt, resumePrompt: nil, recurrence: r)
        case (.resume(let wakeAt, let prompt), true):
            let single = SessionRecurrence(everySeconds: max(60, Int(wakeAt.timeIntervalSince(at).rounded())), maxRuns: 1,
                                           prompt: prompt, startedAt: wakeAt)
            return Write(state: .running, resumeAt: nil, resumePrompt: nil, recurrence: single)
        case (.recurring(let r), true):
            return Write(state: .running, resumeAt: nil, resumePrompt: nil, recurrence: r)
        case (.capExceeded, _):
            return nil
        }
    }
}

extension AgentStore {
    /// Stores a deferral on the session.
    func store(_ write: SessionDeferral.Write, sessionID: String, at: Date) async throws -> Session {
        try await updateSession(id: sessionID, state: write.state, resumeAt: write.resumeAt, resumePrompt: write.resumePrompt,
                                recurrence: write.recurrence, at: at)
    }
}
