import PacerSQLite
import Foundation
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Synchronization
import Testing

/// Work that comes back later: a runner ends a run with "continue at T with state S", and the
/// engine queues the fire's next step with the finish.
@Suite(.timeLimit(.minutes(1))) struct EngineContinuationTests {
    /// Counts in its state, continuing 30 s later until the count reaches `steps`.
    static func counting(to steps: Int, clock: @escaping @Sendable () -> Date) -> ScriptedRunner.Behaviour {
        { request, _ in
            let n = request.run.state?["n"]?.countValue ?? 0
            guard n < steps else { return .succeeded(output: "done after \(n)") }
            return .continued(at: clock().addingTimeInterval(30), state: ["n": .number(Double(n + 1))], output: "step \(n)")
        }
    }

    @Test func continuation_aFireGoesOnStepByStep_eachStepReadingWhatTheLastLeft() async throws {
        let clock = Mutex<ManualClock?>(nil)
        let h = try Harness(behaviour: { request, index in
            await Self.counting(to: 3, clock: { clock.withLock { $0!.now() } })(request, index)
        })
        clock.withLock { $0 = h.clock }
        defer { Task { await h.close() } }
        let s = try await h.add("poll", rule: "every 1h")
        await h.advance(to: 3600)
        for t in [3629.0, 3630, 3660, 3690, 3720] { await h.advance(to: t) }
        let runs = try await h.runs(s)
        #expect(runs.map(\.step) == [0, 1, 2, 3])
        #expect(runs.map(\.status) == [.succeeded, .succeeded, .succeeded, .succeeded])
        #expect(runs.map(\.trigger) == [.schedule, .continuation, .continuation, .continuation])
        #expect(runs.map { $0.state?["n"]?.countValue } == [nil, 1, 2, 3], "each step reads the state the last one left")
        #expect(Set(runs.map(\.scheduledAt)).count == 1 && Set(runs.map(\.idempotencyKey)).count == 1,
                "one fire: one nominal instant, one idempotency key")
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [3600, 3630, 3660, 3690], "each step at its instant")
        #expect(runs.last?.output == "done after 3")
    }

    @Test func continuation_failedStep_isRetriedWithTheSameState() async throws {
        let h = try Harness(behaviour: { request, index in
            switch index {
            case 0: return .continued(at: Harness.t0.addingTimeInterval(3630), state: ["cursor": "abc"])
            case 1: return .failed("HTTP 503")
            default: return .succeeded(output: "read \(request.run.state?["cursor"]?.textValue ?? "nothing")")
            }
        })
        defer { Task { await h.close() } }
        let s = try await h.add("poll", rule: "every 1h") {
            $0.policies.retry = RetryPolicy(maxAttempts: 2, backoffBaseSeconds: 10, jitterFraction: 0)
        }
        for t in [3600.0, 3630, 3640] { await h.advance(to: t) }
        let runs = try await h.runs(s)
        #expect(runs.map { "\($0.step).\($0.attempt)" } == ["0.1", "1.1", "1.2"])
        #expect(runs.map(\.status) == [.succeeded, .failed, .succeeded])
        #expect(runs.last?.output == "read abc", "the retry repeats its step with its state")
    }

    @Test func continuation_ofAPausedSchedule_waitsUntilItIsResumed() async throws {
        let h = try Harness(behaviour: { _, index in
            index == 0 ? .continued(at: Harness.t0.addingTimeInterval(3630), state: nil) : .succeeded(output: "second")
        })
        defer { Task { await h.close() } }
        let s = try await h.add("poll", rule: "every 1h")
        await h.advance(to: 3600)
        try await h.store.setPaused(scheduleID: s.id, reason: "maintenance")
        await h.advance(to: 3601)
        await h.advance(to: 3700)
        #expect(try await h.runs(s).map(\.status) == [.succeeded, .queued], "held while paused")
        try await h.store.setPaused(scheduleID: s.id, reason: nil)
        await h.advance(to: 3701)
        await h.advance(to: 3702)
        #expect(try await h.runs(s).map(\.status) == [.succeeded, .succeeded], "goes on once resumed")
        #expect(h.runner.recorded.map { Harness.at($0.at) }.last.map { $0 >= 3701 } == true)
    }

    @Test func continuation_withAStateTooLarge_failsTheRun_namingTheLimit() async throws {
        let big = JSONValue.string(String(repeating: "x", count: Run.stateLimit + 1))
        let h = try Harness(behaviour: { _, _ in .continued(at: Harness.t0.addingTimeInterval(3630), state: big) })
        defer { Task { await h.close() } }
        let s = try await h.add("poll", rule: "every 1h")
        await h.advance(to: 3600)
        await h.advance(to: 3700)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.failed], "no next step: \(runs.map(\.status))")
        #expect(runs.first?.error?.contains("\(Run.stateLimit)") == true, "\(runs.first?.error ?? "")")
    }

    @Test func cancellingAFire_whoseRunWaitsForASlot_keepsItFromRunning() async throws {
        let h = try Harness(maxConcurrent: 1, behaviour: { _, index in
            // The first run holds the only slot until its timeout (on the manual clock) cancels
            // it: a stream nobody feeds ends only with the task's cancellation.
            if index == 0 { for await _ in AsyncStream<Void>(Void.self, bufferingPolicy: .unbounded, { _ in }) {} }
            return .succeeded(output: "ran")
        })
        defer { Task { await h.close() } }
        let busy = try await h.add("busy", rule: "every 1h") { $0.policies.timeoutSeconds = 100 }
        let other = try await h.add("other", rule: "every 1d")
        await h.tick(to: 3600)
        try await h.waitForRunnerCalls(1)
        let queued = try await h.store.insertRun(Run(id: PacerID.make(.run, at: h.clock.now()), scheduleID: other.id,
                                                     scheduledAt: h.clock.now(), trigger: .manual))
        await h.tick(to: 3601)
        #expect(try await h.store.run(id: queued.id)?.status == .held, "held in the store (not started), waiting for the slot")
        let after = try await h.store.cancelFire(of: queued.id, reason: "cancelled by ada", at: h.clock.now())
        #expect(after.map(\.status) == [.cancelled])
        await h.tick(to: 3602)
        await h.advance(to: 3701)  // the busy run times out; the slot frees
        await h.advance(to: 3702)
        #expect(h.runner.recorded.map(\.scheduleID) == [busy.id], "the cancelled run never ran")
        #expect(try await h.store.run(id: queued.id)?.status == .cancelled)
    }

    @Test func continuation_queuedByOneEngine_isRunByTheNextAfterARestart() async throws {
        let h = try Harness(behaviour: { _, index in
            index == 0 ? .continued(at: Harness.t0.addingTimeInterval(3630), state: ["n": 1]) : .succeeded(output: "resumed")
        })
        defer { Task { await h.close() } }
        let s = try await h.add("poll", rule: "every 1h")
        await h.advance(to: 3600)
        // Another engine (a restarted server) reads the queued step from the store.
        let second = ScriptedRunner(clock: h.clock) { request, _ in .succeeded(output: "n=\(request.run.state?["n"]?.countValue ?? 0)") }
        let engine = Harness.makeEngine(store: h.store, runner: second, clock: h.clock, owner: "engine-2")
        h.clock.advance(to: Harness.t0.addingTimeInterval(3630))
        await engine.settle()
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.succeeded, .succeeded])
        #expect(runs.last?.output == "n=1" && runs.last?.owner == "engine-2")
    }
}

extension JSONValue {
    fileprivate var countValue: Int? {
        if case .number(let d) = self { return Int(d) }
        return nil
    }

    fileprivate var textValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
