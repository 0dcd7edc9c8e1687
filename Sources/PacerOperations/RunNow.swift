import Foundation
import PacerCore
import PacerStore

/// Run Now (DESIGN section 3): a queued `manual` run of a schedule, outside its rule, which a
/// running engine starts at once. It does not shift the schedule.
public enum RunNow {
    /// Records the manual run at `now` (milliseconds), a millisecond later for each Run Now
    /// that took the instant already.
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - store: where runs are recorded.
    ///   - now: the clock.
    /// - Throws: ``OperationError/conflict(field:message:)`` when 20 instants in a row are taken,
    ///   store errors.
    public static func queue(_ schedule: Schedule, store: any RunStore, now: Date) async throws -> Run {
        var at = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        for _ in 0..<20 {
            do {
                return try await store.insertRun(Run(id: PacerID.make(.run, at: at), scheduleID: schedule.id, scheduledAt: at,
                                                     firesAt: at, attempt: 1, status: .queued, trigger: .manual))
            } catch StoreError.duplicateRun {
                at = at.addingTimeInterval(0.001)
            }
        }
        throw OperationError.conflict(field: nil, message: "could not record a manual run of '\(schedule.name)': runs at the same instant exist already")
    }
}
