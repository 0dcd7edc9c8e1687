import Foundation
import PacerCore
import PacerEngine
import PacerSQLite
import PacerStore
import PacerTesting
import Synchronization
import Testing

/// A runner whose behaviour each test scripts; it records every call with the clock's time.
final class ScriptedRunner: Runner {
    struct Call: Sendable {
        var runID: String
        var scheduleID: String
        var scheduledAt: Date
        var attempt: Int
        var itemKey: String?
        var item: JSONValue?
        var items: [JSONValue]
        var at: Date
    }
    typealias Behaviour = @Sendable (RunRequest, Int) async -> RunOutcome
    private let calls = Mutex<[Call]>([])
    private let behaviour: Behaviour
    private let clock: ManualClock

    init(clock: ManualClock, _ behaviour: @escaping Behaviour = { _, _ in .succeeded(output: "ok") }) {
        self.clock = clock
        self.behaviour = behaviour
    }

    var recorded: [Call] { calls.withLock { $0 } }

    func run(_ request: RunRequest) async -> RunOutcome {
        let index = calls.withLock { c in
            c.append(Call(runID: request.run.id, scheduleID: request.schedule.id, scheduledAt: request.run.scheduledAt,
                          attempt: request.run.attempt, itemKey: request.run.itemKey, item: request.item,
                          items: request.items, at: clock.now()))
            return c.count - 1
        }
        return await behaviour(request, index)
    }
}

/// A store on a temporary SQLite file, a manual clock, a scripted runner and an engine.
struct Harness {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z, a whole minute
    let clock: ManualClock
    let store: SQLiteStore
    let runner: ScriptedRunner
    let engine: Engine
    let directory: URL

    init(maxConcurrent: Int = 4, leaseTimeout: TimeInterval = 60, drainTimeout: TimeInterval = 30,
         livenessTimeout: TimeInterval = 3600, gate: (any RunGate)? = nil, items: (any ItemReader)? = nil, deliverer: (any Deliverer)? = nil,
         behaviour: @escaping ScriptedRunner.Behaviour = { _, _ in .succeeded(output: "ok") }) throws {
        let clock = ManualClock(Self.t0)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("pacer.db").path, clock: clock)
        runner = ScriptedRunner(clock: clock, behaviour)
        self.clock = clock
        engine = Self.makeEngine(store: store, runner: runner, clock: clock, maxConcurrent: maxConcurrent,
                                 leaseTimeout: leaseTimeout, drainTimeout: drainTimeout, livenessTimeout: livenessTimeout,
                                 gate: gate, items: items,
                                 deliverer: deliverer)
    }

    static func makeEngine(store: any Store, runner: ScriptedRunner, clock: ManualClock, maxConcurrent: Int = 4,
                           leaseTimeout: TimeInterval = 60, drainTimeout: TimeInterval = 30, owner: String = "engine-1",
                           recoveryInterval: TimeInterval = 5, claimAhead: TimeInterval = 0,
                           sharedStore: Bool = false, livenessTimeout: TimeInterval = 3600, exclusiveStore: Bool = false,
                           gate: (any RunGate)? = nil, items: (any ItemReader)? = nil,
                           deliverer: (any Deliverer)? = nil) -> Engine {
        Engine(store: store, runners: Runners(byKind: [.http: runner, .command: runner], items: items, deliverer: deliverer, gate: gate),
               clock: clock,
               configuration: .init(owner: owner, maxConcurrent: maxConcurrent, leaseTimeout: leaseTimeout,
                                    heartbeatInterval: 10, safetySweepInterval: 3600, recoveryInterval: recoveryInterval,
                                    drainTimeout: drainTimeout, claimAhead: claimAhead, sharedStore: sharedStore,
                                    // Tests step engines by hand: beats every hour unless a test asks.
                                    livenessInterval: min(3600, livenessTimeout / 4), livenessTimeout: livenessTimeout,
                                    exclusiveStore: exclusiveStore))
    }

    /// Creates a schedule at the clock's now with an HTTP target.
    @discardableResult
    func add(_ name: String, rule: String = "every 60s", timezone: String = "UTC", jitter: Double = 0,
             _ change: (inout Schedule) -> Void = { _ in }) async throws -> Schedule {
        var s = Schedule(id: PacerID.make(.schedule, at: clock.now()), name: name, owner: "test",
                         timing: ScheduleTiming(rule: rule, timezone: timezone, jitterSeconds: jitter),
                         target: .http(HTTPTarget(url: "http://127.0.0.1:9/hook")), createdAt: clock.now())
        change(&s)
        return try await store.createSchedule(s, author: "test")
    }

    /// Moves the clock and lets the engine do everything that is due, waiting for runs.
    func advance(to seconds: TimeInterval) async {
        clock.advance(to: Self.t0.addingTimeInterval(seconds))
        await engine.settle()
    }

    /// Moves the clock and makes two passes without waiting for executing runs.
    func tick(to seconds: TimeInterval) async {
        clock.advance(to: Self.t0.addingTimeInterval(seconds))
        await engine.step()
        await engine.step()
    }

    /// Waits (in real time, briefly) until `n` tasks sleep on the manual clock.
    func waitForSleepers(_ n: Int) async throws {
        for _ in 0..<2000 {
            if clock.sleeperCount >= n { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("expected \(n) sleepers on the manual clock, saw \(clock.sleeperCount)")
    }

    /// Waits (in real time, briefly) until the runner was called `n` times.
    func waitForRunnerCalls(_ n: Int) async throws {
        for _ in 0..<2000 {
            if runner.recorded.count >= n { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("expected \(n) runner calls, saw \(runner.recorded.count)")
    }

    /// Runs of a schedule, oldest first.
    func runs(_ s: Schedule) async throws -> [Run] {
        try await store.runs(scheduleID: s.id, limit: 1000).reversed()
    }

    /// Seconds since t0.
    static func at(_ date: Date) -> TimeInterval { date.timeIntervalSince(t0) }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
