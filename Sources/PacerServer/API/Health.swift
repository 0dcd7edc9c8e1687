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
        let probe = WriteProbe(store: services.store, now: services.now, stuckAfter: services.healthProbeStuckAfter)
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
                reasons += health.problems(now: services.now(), staleAfter: engine.staleAfter)
                body["runs_in_flight"] = .number(Double(health.inFlight))
                body["last_pass_at"] = health.lastPassAt.map { .string(PacerJSON.format($0)) } ?? .null
            }
            body["status"] = reasons.isEmpty ? "ok" : "not_ready"
            body["reasons"] = .array(reasons.map(JSONValue.string))
            return try jsonResponse(JSONValue.object(body), status: reasons.isEmpty ? .ok : .serviceUnavailable)
        }
    }
}

/// A write to the store at most every few seconds, its result remembered in between, so health
/// checks cannot turn into a write load. A check never waits long for the store: it waits for
/// a probe up to `answerWithin`, and a probe still unanswered after `stuckAfter` is itself the
/// problem (a database gone may take its call timeout to fail).
public final class WriteProbe: Sendable {
    static let interval: Duration = .seconds(5)
    static let answerWithin: Duration = .seconds(1)
    public static let stuckAfter: Duration = .seconds(5)
    private struct State {
        var last: (at: ContinuousClock.Instant, problem: String?)?
        var inFlight: (since: ContinuousClock.Instant, task: Task<String?, Never>)?
    }
    private let store: any Store
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    private let stuckAfter: Duration

    init(store: any Store, now: @escaping @Sendable () -> Date, stuckAfter: Duration = WriteProbe.stuckAfter) {
        self.store = store
        self.now = now
        self.stuckAfter = stuckAfter
    }

    /// Why the store cannot be written, or `nil` when the last probe wrote (or one is under way
    /// and not yet overdue).
    func problem() async -> String? {
        let (cached, probe) = state.withLock { s -> (String??, (since: ContinuousClock.Instant, task: Task<String?, Never>)?) in
            if let last = s.last, ContinuousClock.now - last.at < Self.interval { return (.some(last.problem), nil) }
            if s.inFlight == nil {
                let store = store, at = now()
                let task = Task<String?, Never> {
                    do {
                        try await store.probeWrite(at: at)
                        return nil
                    } catch {
                        return "the store cannot be written: \(StoreFailure.describe(error))"
                    }
                }
                s.inFlight = (ContinuousClock.now, task)
                Task { [state = self] in
                    let problem = await task.value
                    state.finish(problem)
                }
            }
            return (nil, s.inFlight)
        }
        if let cached { return cached }
        guard let probe else { return nil }
        if let answer = try? await Deadline.run(seconds: Self.seconds(Self.answerWithin), { await probe.task.value }) {
            return answer
        }
        let waited = ContinuousClock.now - probe.since
        if waited >= stuckAfter {
            return "the store has not answered a write for \(Int(Self.seconds(waited))) s"
        }
        return state.withLock { $0.last?.problem }
    }

    private func finish(_ problem: String?) {
        state.withLock { s in
            s.last = (ContinuousClock.now, problem)
            s.inFlight = nil
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
