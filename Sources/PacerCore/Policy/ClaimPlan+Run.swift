import Foundation

extension ClaimPlan.Decision {
    /// The run a claim records for a fire: held by (or queued for) the claimer, or over at
    /// once when its plan dropped it (missed, skipped: unowned, with the reason).
    /// - Parameters:
    ///   - scheduleID: the schedule.
    ///   - scheduledAt: the fire's nominal instant.
    ///   - owner: the claimer.
    ///   - start: whether the claimer holds its fires for their instants.
    ///   - now: the claim's instant.
    public func run(scheduleID: String, scheduledAt: Date, owner: String, start: Bool, now: Date) -> Run {
        var run = Run(id: PacerID.make(.run, at: now), scheduleID: scheduleID, scheduledAt: scheduledAt)
        if let status {
            run.status = status
            run.finishedAt = now
            run.error = reason
            return run
        }
        run.owner = owner
        if start {
            // Held for its instant under the claimer's lease; running once started.
            run.status = .held
            run.heartbeatAt = now
        }
        return run
    }
}
