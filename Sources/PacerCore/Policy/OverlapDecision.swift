/// What to do with a fire that comes while runs of the same schedule are still going.
public enum OverlapAction: Sendable, Hashable {
    /// Start it now.
    case start
    /// Record it as `skipped` with this reason.
    case skip(String)
    /// Keep it waiting until the running run ends.
    case buffer
    /// Cancel the running runs, then start it.
    case cancelPreviousThenStart
}

/// The overlap policy as a pure function (DESIGN section 3).
public enum OverlapDecision {
    /// Decides what happens to a new fire.
    /// - Parameters:
    ///   - policy: the schedule's overlap policy.
    ///   - running: runs of the schedule executing now.
    ///   - buffered: whether a fire is already waiting (`buffer_one`).
    public static func decide(_ policy: OverlapPolicy, running: Int, buffered: Bool) -> OverlapAction {
        guard running > 0 else { return .start }
        switch policy {
        case .allow: return .start
        case .skip: return .skip("previous run still running (overlap policy skip)")
        case .bufferOne:
            return buffered ? .skip("a run is already waiting for the previous one (overlap policy buffer_one)") : .buffer
        case .cancelPrevious: return .cancelPreviousThenStart
        }
    }
}
