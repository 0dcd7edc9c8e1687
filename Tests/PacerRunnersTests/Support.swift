import AsyncHTTPClient
import Foundation
import PacerCore
import PacerTesting
@testable import PacerRunners

/// 2026-03-08T09:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_772_960_400)

/// A schedule around a target (and a delivery).
func schedule(_ target: Target, delivery: Delivery = .none) -> Schedule {
    Schedule(id: "sch_runners", name: "Runner test", owner: "user:test", timing: ScheduleTiming(rule: "0 9 * * *"),
             target: target, delivery: delivery, createdAt: t0)
}

/// A run request for a target.
func request(_ target: Target, runID: String = "run_01test", item: JSONValue? = nil,
             items: [JSONValue] = []) -> RunRequest {
    let run = Run(id: runID, scheduleID: "sch_runners", scheduledAt: t0, status: .running, itemKey: nil)
    return RunRequest(schedule: schedule(target), run: run, item: item, items: items)
}

/// A finished run's report.
func report(status: Run.Status = .succeeded, output: String? = "all good", error: String? = nil,
            runID: String = "run_01report") -> RunReport {
    var run = Run(id: runID, scheduleID: "sch_runners", scheduledAt: t0, status: status, itemKey: "item-7")
    run.startedAt = t0.addingTimeInterval(1)
    run.finishedAt = t0.addingTimeInterval(3)
    run.output = output
    run.error = error
    return RunReport(schedule: schedule(.http(HTTPTarget(url: "http://127.0.0.1:1/"))), run: run)
}

/// One client for every test, configured as Pacer's own; a global is never deinitialised, so
/// it needs no shutdown.
let sharedClient = HTTPClient.makePacerClient()

/// An HTTP runner on the shared client with a fixed environment.
func httpRunner(_ env: [String: String] = [:], clock: any WallClock = SystemClock()) -> HTTPRunner {
    HTTPRunner(configuration: .init(environment: .fixed(env), clock: clock), client: sharedClient)
}

/// The server environment commands inherit in tests: a PATH and two marker variables.
let commandEnvironment: [String: String] = [
    "PATH": "/usr/local/bin:/usr/bin:/bin", "PACER_A": "server-a", "PACER_B": "server-b",
]

/// A command runner that allows commands, with ``commandEnvironment``.
func commandRunner(allow: Bool = true) -> CommandRunner {
    CommandRunner(allowCommands: allow, configuration: .init(environment: .fixed(commandEnvironment)))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-runners-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Seconds a block takes.
func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A URL on which nothing listens.
func deadURL() async throws -> String {
    // Port 1 on loopback: nothing listens there, and no test's receiver can take it (a port a
    // stopped receiver freed can be taken by another test running beside this one).
    "http://127.0.0.1:1/gone"
}
