import Foundation

/// What follows a finished attempt.
public enum RetryAction: Sendable, Hashable {
    /// No retry, with the reason (succeeded, permanent failure, attempts used up, ...).
    case done(String)
    /// A new attempt due after this many seconds.
    case retry(after: Double)
}

/// The retry policy as a pure function (DESIGN section 3): exponential backoff with jitter,
/// permanent failures and caps never retried, `Retry-After` honoured.
public enum RetryDecision {
    /// Decides whether a finished attempt is retried.
    /// - Parameters:
    ///   - status: how the attempt ended.
    ///   - failure: the runner's classification of a failure (`nil` counts as transient).
    ///   - attempt: the attempt that ended (1 for the first).
    ///   - policy: the schedule's retry policy.
    ///   - retryAfter: seconds the target asked to wait (`Retry-After`), if any.
    ///   - unit: a random number in `[0, 1)` for the jitter.
    public static func decide(status: Run.Status, failure: RunOutcome.Failure?, attempt: Int, policy: RetryPolicy,
                              retryAfter: Double? = nil, unit: Double) -> RetryAction {
        switch status {
        case .failed, .timedOut, .abandoned: break
        default: return .done("\(status.rawValue) runs are not retried")
        }
        if failure == .permanent { return .done("permanent failure") }
        guard let delay = policy.delay(beforeAttempt: attempt + 1, unit: unit) else {
            return .done(policy.maxAttempts <= 1 ? "no retries configured" : "all \(policy.maxAttempts) attempts used")
        }
        if let retryAfter, retryAfter.isFinite, retryAfter > 0 {
            // The target said when to come back; never sooner, and never beyond a day.
            return .retry(after: min(max(delay, retryAfter), 86_400))
        }
        return .retry(after: delay)
    }

    /// The next attempt of a failed, timed-out or abandoned run when the policy retries it,
    /// or `nil`: the one retry decision, which finishes and recovery both ask. A session's
    /// wake-up that was lost is not retried: a fresh run could not continue the session.
    /// - Parameters:
    ///   - run: the attempt that ended.
    ///   - status: how it ended.
    ///   - outcome: the runner's outcome (`nil` for an abandoned run: a transient failure).
    ///   - policy: the schedule's retry policy.
    ///   - now: the clock.
    ///   - unit: a random number in `[0, 1)` for the jitter.
    public static func nextAttempt(of run: Run, status: Run.Status, outcome: RunOutcome?, policy: RetryPolicy,
                                   now: Date, unit: Double) -> Run? {
        guard run.trigger != .resume else { return nil }
        let action = decide(status: status, failure: outcome == nil ? .transient : outcome?.failure,
                            attempt: run.attempt, policy: policy, retryAfter: outcome?.retryAfter, unit: unit)
        guard case .retry(let delay) = action else { return nil }
        return run.followUp(id: PacerID.make(.run, at: now), at: now.addingTimeInterval(delay), trigger: .retry)
    }
}
