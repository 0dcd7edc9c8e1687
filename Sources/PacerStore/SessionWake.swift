import Foundation
import PacerCore

/// What both stores write when a session loses its run or its schedule: the events that
/// explain a session ended by the store.
package enum SessionWake {
    /// Why an abandoned run's session ended.
    package static let abandonedReason = "the process running it stopped"
    /// Why a waiting session whose schedule was deleted was cancelled.
    package static let noScheduleReason = "its schedule was deleted"

    /// The event of a session whose run was abandoned.
    package static func abandoned(runID: String, at: Date) -> SessionEvent {
        SessionEvent(at: at, kind: .abandoned, detail: ["run_id": .string(runID), "reason": .string(abandonedReason)])
    }

    /// The event of a waiting session cancelled because its schedule was deleted.
    package static func cancelled(at: Date) -> SessionEvent {
        SessionEvent(at: at, kind: .stateChanged,
                     detail: ["from": "waiting", "to": "cancelled", "reason": .string(noScheduleReason)])
    }

    /// The states from which an abandoned run takes its session to `error`.
    package static let abandonable: Set<Session.State> = [.running, .pending]
}

extension SessionEvent.Kind {
    /// The session's run was abandoned (detail: `run_id`, `reason`); the session ended in `error`.
    package static let abandoned: Self = "abandoned"
}
