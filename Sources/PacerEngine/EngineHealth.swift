import Foundation
import PacerCore

/// What `/healthz` reports of the engine: whether its loop completes passes, whether its last
/// store write worked, and the runs stuck past their timeout.
public struct EngineHealth: Sendable, Hashable {
    /// When the loop last completed a pass without a store error.
    public var lastPassAt: Date?
    /// The error of the last pass that failed, while no pass has completed since.
    public var lastError: String?
    /// Runs still executing a minute after their timeout (their runner did not stop).
    public var stuckRuns: [String]
    /// Runs executing now.
    public var inFlight: Int

    /// - Parameters: see the properties.
    public init(lastPassAt: Date?, lastError: String?, stuckRuns: [String], inFlight: Int) {
        self.lastPassAt = lastPassAt
        self.lastError = lastError
        self.stuckRuns = stuckRuns
        self.inFlight = inFlight
    }

    /// Why the engine is not ready, empty when it is.
    /// - Parameters:
    ///   - now: the clock.
    ///   - staleAfter: how long without a completed pass counts as stalled.
    public func problems(now: Date, staleAfter: TimeInterval) -> [String] {
        var out: [String] = []
        if let lastError { out.append("the scheduler's last pass failed: \(lastError)") }
        if let lastPassAt, now.timeIntervalSince(lastPassAt) > staleAfter {
            out.append("the scheduler has not completed a pass for \(Int(now.timeIntervalSince(lastPassAt))) s")
        } else if lastPassAt == nil {
            out.append("the scheduler has not completed its first pass")
        }
        if !stuckRuns.isEmpty {
            out.append("\(stuckRuns.count) run(s) stuck past their timeout: \(stuckRuns.prefix(5).joined(separator: ", "))")
        }
        return out
    }
}

extension Engine {
    /// How long past its timeout a run may take to stop before it counts as stuck.
    static let stuckGrace: TimeInterval = 60

    /// The engine's health now.
    public func health() -> EngineHealth {
        let now = clock.now()
        let stuck = local.stuck(now: now, grace: Self.stuckGrace)
        return EngineHealth(lastPassAt: lastPassAt, lastError: lastPassError, stuckRuns: stuck, inFlight: local.executingCount)
    }

    /// How long without a completed pass counts as stalled: the loop passes at least every
    /// recovery interval.
    public nonisolated var staleAfter: TimeInterval { max(60, 4 * configuration.recoveryInterval) }
}
