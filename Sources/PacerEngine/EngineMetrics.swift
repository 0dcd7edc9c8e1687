import Foundation
import Metrics
import PacerCore

/// The engine's metrics, through swift-metrics (the server exports them as Prometheus text):
/// fires, misfires, finished runs by status, lateness and duration histograms, runs in flight.
struct EngineMetrics: Sendable {
    private let fires = Counter(label: "pacer_fires_total")
    private let misfires = Counter(label: "pacer_misfires_total")
    private let missedLate = Counter(label: "pacer_fires_missed_total", dimensions: [("reason", "late")])
    private let missedBeyondLimit = Counter(label: "pacer_fires_missed_total", dimensions: [("reason", "catchup_limit")])
    private let lateness = Metrics.Timer(label: "pacer_fire_lateness_seconds", preferredDisplayUnit: .seconds)
    private let duration = Metrics.Timer(label: "pacer_run_duration_seconds", preferredDisplayUnit: .seconds)
    private let inFlight = Gauge(label: "pacer_runs_in_flight")
    /// Final statuses only: a run is never finished as `held`, `queued` or `running`.
    private let byStatus: [Run.Status: Counter] = Dictionary(uniqueKeysWithValues: Run.Status.allCases.filter(\.isTerminal).map {
        ($0, Counter(label: "pacer_runs_finished_total", dimensions: [("status", $0.rawValue)]))
    })

    func fired() { fires.increment() }
    func misfired() { misfires.increment() }
    /// A fire dropped by the misfire policy, by why (`late`, `catchup_limit`).
    func missed(_ label: String) { (label == "catchup_limit" ? missedBeyondLimit : missedLate).increment() }
    func finished(_ status: Run.Status) { byStatus[status]?.increment() }
    func recordLateness(_ seconds: Double) { lateness.recordNanoseconds(Self.nanoseconds(seconds)) }
    func recordDuration(_ seconds: Double) { duration.recordNanoseconds(Self.nanoseconds(seconds)) }

    /// Seconds as nanoseconds, clamped to a billion seconds (no conversion can trap).
    static func nanoseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return 0 }
        return Int64(min(max(0, seconds), 1e9) * 1e9)
    }
    func setInFlight(_ n: Int) { inFlight.record(n) }
}
