import Foundation
import Hummingbird
import PacerCore
import PacerEngine
import PacerStore
import Synchronization

/// `/healthz` tells the truth: not ready (503, with the reasons) when the store cannot be
/// written, the scheduler's loop has stalled or failed, or runs are stuck past their timeout.
/// `/healthz/live` only says the process answers.
enum Health {
    static func register(on router: Router<APIRequestContext>, services: APIServices) {
        let probe = WriteProbe(store: services.store, clock: services.clock, stuckAfter: services.healthProbeStuckAfter)
        router.get("/healthz/live") { _, _ -> Response in
            try jsonResponse(JSONValue.object(["status": "ok"]))
        }
        router.get("/healthz") { _, _ -> Response in
            var reasons: [String] = []
            var body: [String: JSONValue] = [:]
            if let problem = await probe.problem() {
                reasons.append(problem)
                body["database"] = .string(problem)
            } else {
                body["database"] = "ok"
            }
            if let engine = services.engine {
                let health = await engine.health()
                reasons += health.problems(now: services.clock.now(), staleAfter: engine.staleAfter)
                body["runs_in_flight"] = .number(Double(health.inFlight))
                body["last_pass_at"] = health.lastPassAt.map { .string(PacerJSON.format($0)) } ?? .null
            }
            body["status"] = reasons.isEmpty ? "ok" : "not_ready"
            body["reasons"] = .array(reasons.map(JSONValue.string))
            return try jsonResponse(JSONValue.object(body), status: reasons.isEmpty ? .ok : .serviceUnavailable)
        }
    }
}

/// A write to the store every few seconds, in the background for as long as the server runs,
/// so that `/healthz` answers at once with a current picture (a check never waits on a
/// database that is gone, and health checks cannot turn into a write load): the last probe's
/// result, or, when a probe has gone unanswered for `stuckAfter`, that. Before the first
/// result a check waits for it (at most `stuckAfter`).
public final class WriteProbe: Sendable {
    static let interval: Duration = .seconds(5)
    public static let stuckAfter: Duration = .seconds(5)
    private struct State {
        var last: String??
        var inFlight: (since: ContinuousClock.Instant, task: Task<String?, Never>)?
    }
    private let store: any SettingsStore
    private let clock: any WallClock
    private let state = Mutex(State())
    private let stuckAfter: Duration

    init(store: any SettingsStore, clock: any WallClock, stuckAfter: Duration = WriteProbe.stuckAfter) {
        self.store = store
        self.clock = clock
        self.stuckAfter = stuckAfter
        // Ends once the probe is gone (the router that holds it was dropped).
        Task { [weak self] in
            while !Task.isCancelled {
                guard let probe = self?.startProbe() else { return }
                _ = await probe.value
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    /// Why the store cannot be written, or `nil` when the last probe wrote.
    func problem() async -> String? {
        let (first, stuck) = state.withLock { s -> (Task<String?, Never>?, String?) in
            if let f = s.inFlight, ContinuousClock.now - f.since >= stuckAfter {
                return (nil, "the store has not answered a write for \(Int(Self.seconds(ContinuousClock.now - f.since))) s")
            }
            return (s.last == nil ? s.inFlight?.task : nil, nil)
        }
        if let stuck { return stuck }
        if let first {
            do {
                return try await Deadline.run(seconds: Self.seconds(stuckAfter)) { await first.value }
            } catch {
                return "the store has not answered a write for \(Int(Self.seconds(stuckAfter))) s"
            }
        }
        return state.withLock { $0.last ?? nil }
    }

    /// Starts a probe (or returns the one under way).
    private func startProbe() -> Task<String?, Never> {
        state.withLock { s in
            if let f = s.inFlight { return f.task }
            let store = store, at = clock.now()
            let task = Task<String?, Never> {
                do {
                    try await store.probeWrite(at: at)
                    return nil
                } catch {
                    return "the store cannot be written: \(StoreFailure.describe(error))"
                }
            }
            s.inFlight = (ContinuousClock.now, task)
            Task { [weak self] in
                let problem = await task.value
                self?.state.withLock { s in
                    s.last = .some(problem)
                    s.inFlight = nil
                }
            }
            return task
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
