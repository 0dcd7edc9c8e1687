import Foundation
import PacerCore

/// What both stores write when a waiting session wakes up or loses its run: the run that
/// resumes it and the events that explain a session ended by the store.
enum SessionWake {
    /// Why an abandoned run's session ended.
    static let abandonedReason = "the process running it stopped"
    /// Why a waking session without a live schedule was cancelled.
    static let noScheduleReason = "its schedule no longer exists"

    /// The `queued` run that resumes a session: attempt 1, trigger `resume`, scheduled and due
    /// at `at` (the session's `resume_at`, moved on past taken keys), no owner.
    /// - Parameters:
    ///   - session: the session's id.
    ///   - scheduleID: its schedule.
    ///   - itemKey: its item key (`nil` or empty without per-item dispatch).
    ///   - at: the run's scheduled instant.
    ///   - now: the wake-up instant, for the run's id.
    static func run(session: String, scheduleID: String, itemKey: String?, at: Date, now: Date) -> Run {
        var run = Run(id: PacerID.make(.run, at: now), scheduleID: scheduleID, scheduledAt: at, firesAt: at,
                      attempt: 1, status: .queued, trigger: .resume,
                      itemKey: itemKey.flatMap { $0.isEmpty ? nil : $0 })
        run.sessionID = session
        return run
    }

    /// The event of a session whose run was abandoned.
    static func abandoned(runID: String, at: Date) -> SessionEvent {
        SessionEvent(at: at, kind: .abandoned, detail: ["run_id": .string(runID), "reason": .string(abandonedReason)])
    }

    /// The event of a waking session cancelled because it has no schedule to run under.
    static func cancelled(at: Date) -> SessionEvent {
        SessionEvent(at: at, kind: .stateChanged,
                     detail: ["from": "waiting", "to": "cancelled", "reason": .string(noScheduleReason)])
    }

    /// The states from which an abandoned run takes its session to `error`.
    static let abandonable: Set<Session.State> = [.running, .pending]
}

extension SessionEvent.Kind {
    /// The session's run was abandoned (detail: `run_id`, `reason`); the session ended in `error`.
    static let abandoned: Self = "abandoned"
}
