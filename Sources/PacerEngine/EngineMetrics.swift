import Foundation
import Metrics
import PacerCore

/// The engine's metrics, through swift-metrics (the server exports them as Prometheus text):
/// fires, misfires, finished runs by status, lateness and duration histograms, runs in flight.
struct EngineMetrics: Sendable {
    private let fires = Counter(label: "pacer_fires_total")
    private let misfires = Counter(label: "pacer_misfires_total")
    private let lateness = Metrics.Timer(label: "pacer_fire_lateness_seconds", preferredDisplayUnit: .seconds)
    private let duration = Metrics.Timer(label: "pacer_run_duration_seconds", preferredDisplayUnit: .seconds)
    private let inFlight = Gauge(label: "pacer_runs_in_flight")
    private let byStatus: [Run.Status: Counter] = Dictionary(uniqueKeysWithValues: Run.Status.allCases.map {
        ($0, Counter(label: "pacer_runs_finished_total", dimensions: [("status", $0.rawValue)]))
    })

    func fired() { fires.increment() }
    func misfired() { misfires.increment() }
    func finished(_ status: Run.Status) { byStatus[status]?.increment() }
    func recordLateness(_ seconds: Double) { lateness.recordNanoseconds(Int64(max(0, seconds) * 1e9)) }
    func recordDuration(_ seconds: Double) { duration.recordNanoseconds(Int64(max(0, seconds) * 1e9)) }
    func setInFlight(_ n: Int) { inFlight.record(n) }
}
