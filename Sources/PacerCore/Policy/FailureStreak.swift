/// What a run's end does to its schedule's consecutive-failure count (which
/// `pause_after_failures` reads): a success resets it, a failure, timeout or abandonment raises
/// it, and every other end (skipped, missed, cancelled) keeps it. Both stores write it in the
/// finish's transaction as this says.
public enum FailureStreak: Sendable, Hashable {
    case reset, raise, keep

    /// - Parameter status: the run's final status.
    public init(after status: Run.Status) {
        switch status {
        case .succeeded: self = .reset
        case .failed, .timedOut, .abandoned: self = .raise
        default: self = .keep
        }
    }

    /// The count after the run.
    /// - Parameter count: the count before it.
    public func applied(to count: Int) -> Int {
        switch self {
        case .reset: 0
        case .raise: count + 1
        case .keep: count
        }
    }
}
