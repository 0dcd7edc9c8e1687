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
        let probe = WriteProbe(store: services.store, now: services.now)
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
/// checks cannot turn into a write load.
final class WriteProbe: Sendable {
    static let interval: Duration = .seconds(5)
    private let store: any Store
    private let now: @Sendable () -> Date
    private let last = Mutex<(at: ContinuousClock.Instant, problem: String?)?>(nil)

    init(store: any Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Why the store cannot be written, or `nil` when the last probe wrote.
    func problem() async -> String? {
        if let cached = last.withLock({ $0 }), ContinuousClock.now - cached.at < Self.interval { return cached.problem }
        var problem: String?
        do {
            try await store.probeWrite(at: now())
        } catch {
            problem = "the store cannot be written: \(error)"
        }
        last.withLock { $0 = (ContinuousClock.now, problem) }
        return problem
    }
}
