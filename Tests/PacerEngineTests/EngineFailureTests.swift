import PacerSQLite
import Foundation
import PacerCore
@testable import PacerEngine
import Synchronization
import PacerStore
import PacerTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct EngineFailureTests {
    @Test func retry_transientFailures_retryWithBackoffUntilSuccess() async throws {
        let h = try Harness(behaviour: { _, index in index < 2 ? .failed("HTTP 503") : .succeeded(output: "fine") })
        defer { Task { await h.close() } }
        let s = try await h.add("flaky") {
            $0.policies.retry = RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 10, backoffFactor: 2, jitterFraction: 0)
        }
        await h.advance(to: 60)
        await h.advance(to: 69)
        #expect(h.runner.recorded.count == 1)
        await h.advance(to: 70)
        await h.advance(to: 90)
        let runs = try await h.runs(s)
        #expect(runs.map(\.attempt) == [1, 2, 3])
        #expect(runs.map(\.status) == [.failed, .failed, .succeeded])
        #expect(runs.map(\.trigger) == [.schedule, .retry, .retry])
        #expect(Set(runs.map(\.scheduledAt)).count == 1, "a retry keeps the nominal instant")
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [60, 70, 90])
    }

    @Test func retry_permanentFailure_isNotRetried() async throws {
        let h = try Harness(behaviour: { _, _ in .failed("HTTP 404 Not Found", failure: .permanent) })
        defer { Task { await h.close() } }
        let s = try await h.add("gone") { $0.policies.retry = RetryPolicy(maxAttempts: 5, backoffBaseSeconds: 1) }
        await h.advance(to: 60)
        await h.advance(to: 100)
        #expect(try await h.runs(s).map(\.status) == [.failed])
    }

    @Test func retry_retryAfter_delaysTheNextAttempt() async throws {
        let h = try Harness(behaviour: { _, index in index == 0 ? .failed("HTTP 429", retryAfter: 120) : .succeeded(output: nil) })
        defer { Task { await h.close() } }
        let s = try await h.add("limited") {
            $0.policies.retry = RetryPolicy(maxAttempts: 2, backoffBaseSeconds: 5, jitterFraction: 0)
        }
        await h.advance(to: 60)
        await h.advance(to: 179)
        #expect(h.runner.recorded.filter { $0.attempt == 2 }.isEmpty, "not before Retry-After")
        await h.advance(to: 180)
        #expect(h.runner.recorded.filter { $0.attempt == 2 }.map { Harness.at($0.at) } == [180])
        #expect(try await h.runs(s).filter { Harness.at($0.scheduledAt) == 60 }.map(\.status) == [.failed, .succeeded])
    }

    @Test func timeout_longRun_isStoppedAsTimedOut() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, _ in
            do { try await clock.sleep(until: clock.now().addingTimeInterval(10_000)) } catch { return .failed("interrupted") }
            return .succeeded(output: nil)
        }
        let s = try await h.add("slow") { $0.policies.timeoutSeconds = 30 }
        await h.tick(to: 60)
        try await h.waitForSleepers(1)
        await h.advance(to: 90)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.timedOut])
        #expect(runs.first?.error == "timed out after 30s")
    }

    @Test func pauseAfterFailures_pausesTheScheduleWithTheReason() async throws {
        let h = try Harness(behaviour: { _, _ in .failed("boom") })
        defer { Task { await h.close() } }
        let s = try await h.add("failing") { $0.policies.pauseAfterFailures = 2 }
        await h.advance(to: 60)
        await h.advance(to: 120)
        await h.advance(to: 180)
        let state = try await h.store.state(scheduleID: s.id)
        #expect(state?.pausedReason?.contains("2 consecutive failed runs") == true)
        #expect(h.runner.recorded.count == 2)
    }

    @Test func recovery_heldFireOfADeadProcess_goesBackToTheQueue_andRunsOnce_noAttemptSpent() async throws {
        let h = try Harness(leaseTimeout: 30)
        defer { Task { await h.close() } }
        let s = try await h.add("claimed-ahead")  // max_attempts 1: a lost attempt would lose the fire
        // A process that died holding the fire at 60, before starting it.
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        let held = try await h.store.claimDue(now: h.clock.now(), limit: 10, owner: "dead-process", start: true)
        #expect(held.map(\.status) == [.held])
        await h.advance(to: 85)
        #expect(try await h.store.run(id: held[0].id)?.status == .held, "its lease not yet expired")
        await h.advance(to: 95)
        await h.advance(to: 96)
        let runs = try await h.runs(s).filter { Harness.at($0.scheduledAt) == 60 }
        #expect(runs.map(\.status) == [.succeeded] && runs.first?.attempt == 1, "\(runs)")
        #expect(h.runner.recorded.filter { Harness.at($0.scheduledAt) == 60 }.count == 1)
    }

    @Test func recovery_deadProcess_isNoticedByItsMissingBeats_notTheRunLease() async throws {
        let h = try Harness(leaseTimeout: 600, livenessTimeout: 10)
        defer { Task { await h.close() } }
        let s = try await h.add("claimed-ahead")
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        try await h.store.beat(owner: "dead-process", at: h.clock.now())
        let held = try await h.store.claimDue(now: h.clock.now(), limit: 10, owner: "dead-process", start: true)
        await h.advance(to: 65)
        #expect(try await h.store.run(id: held[0].id)?.status == .held, "beats 5 s old: alive")
        await h.advance(to: 75)
        await h.advance(to: 76)
        #expect(try await h.runs(s).filter { Harness.at($0.scheduledAt) == 60 }.map(\.status) == [.succeeded],
                "taken over 15 s after its last beat, not after the 600 s lease")
    }

    @Test func recovery_queuedRunHeldByADeadProcess_runsHereAsItsFirstAttempt() async throws {
        let h = try Harness(leaseTimeout: 600, livenessTimeout: 10)
        defer { Task { await h.close() } }
        let s = try await h.add("manual", rule: "every 1d")
        // A process took a Run Now to start when a slot came free, and died waiting for one.
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        let queued = try await h.store.insertRun(Run(id: PacerID.make(.run, at: h.clock.now()), scheduleID: s.id,
                                                     scheduledAt: h.clock.now(), trigger: .manual))
        try await h.store.beat(owner: "dead-process", at: h.clock.now())
        _ = try await h.store.holdQueued(id: queued.id, owner: "dead-process", at: h.clock.now())
        await h.advance(to: 65)
        #expect(try await h.store.run(id: queued.id)?.status == .held, "beats 5 s old: alive")
        await h.advance(to: 75)
        await h.advance(to: 76)
        let run = try await h.store.run(id: queued.id)
        #expect(run?.status == .succeeded && run?.attempt == 1 && run?.owner == "engine-1", "\(String(describing: run))")
        #expect(h.runner.recorded.map(\.runID) == [queued.id])
        #expect(try await h.runs(s).count == 1, "no abandoned run, no retry: the run never started")
    }

    @Test func recovery_abandonedRun_isMarkedAndRetried() async throws {
        let h = try Harness(leaseTimeout: 30)
        defer { Task { await h.close() } }
        let s = try await h.add("crashy") { $0.policies.retry = RetryPolicy(maxAttempts: 2, backoffBaseSeconds: 10, jitterFraction: 0) }
        // A process that died running the fire at 60.
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        let held = try await h.store.claimDue(now: h.clock.now(), limit: 10, owner: "dead-process", start: true)
        #expect(held.count == 1)
        _ = try await h.store.startHeld(ids: held.map(\.id), owner: "dead-process", at: h.clock.now())
        await h.advance(to: 85)
        #expect(try await h.store.run(id: held[0].id)?.status == .running, "lease not yet expired")
        await h.advance(to: 95)
        #expect(try await h.store.run(id: held[0].id)?.status == .abandoned)
        await h.advance(to: 105)
        let runs = try await h.runs(s)
        #expect(runs.filter { $0.attempt == 2 }.map(\.status) == [.succeeded])
        #expect(runs.filter { Harness.at($0.scheduledAt) == 60 }.count == 2, "the abandoned fire and its one retry, no double")
    }

    @Test func drain_heldFire_isHandedBack_andAnotherProcessRunsIt_asItsFirstAttempt() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ahead")
        let draining = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, owner: "draining", claimAhead: 5)
        h.clock.advance(to: Harness.t0.addingTimeInterval(56))
        await draining.step()
        #expect(try await h.runs(s).map(\.status) == [.held])
        draining.stop()
        try await draining.run()   // drains at once: nothing is running
        let handed = try await h.runs(s)
        #expect(handed.map(\.status) == [.queued] && handed.first?.owner == nil, "\(handed)")
        await h.advance(to: 60)
        let runs = try await h.runs(s).filter { Harness.at($0.scheduledAt) == 60 }
        #expect(runs.map(\.status) == [.succeeded] && runs.first?.attempt == 1, "\(runs)")
        #expect(h.runner.recorded.count == 1)
    }

    @Test func drain_runningRun_isCancelledAfterTheDrainTimeout() async throws {
        let box = ClockBox()
        let h = try Harness(drainTimeout: 10, behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, _ in
            do { try await clock.sleep(until: clock.now().addingTimeInterval(1000)) } catch { return .failed("interrupted") }
            return .succeeded(output: nil)
        }
        let s = try await h.add("long")
        await h.tick(to: 60)
        try await h.waitForSleepers(1)
        let loop = Task { try await h.engine.run() }
        h.engine.stop()
        try await h.waitForSleepers(2)  // the runner, and the drain waiting on the clock
        h.clock.advance(by: 11)
        try await loop.value
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.cancelled])
        #expect(runs.first?.error?.contains("drain") == true)
    }
}

/// Runs and deliveries are children of the engine's service: nothing outlives it.
@Suite(.timeLimit(.minutes(1))) struct EngineLifecycleTests {
    @Test func cancellingTheService_cancelsItsRuns_andReturnsOnlyOnceTheyEndedAndWereWritten() async throws {
        let box = ClockBox()
        let h = try Harness(drainTimeout: 10_000, behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        let (started, startedInput) = AsyncStream.makeStream(of: Void.self)
        let ended = Mutex(0)
        box.set { _, _ in
            startedInput.yield()
            defer { ended.withLock { $0 += 1 } }
            do { try await clock.sleep(until: clock.now().addingTimeInterval(5000)) } catch { return .failed("interrupted") }
            return .succeeded(output: nil)
        }
        let s = try await h.add("long")
        let service = Task { try await h.engine.run() }
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        // Cancelled, not shut down: the run is cancelled with the service at once (the clock
        // never reaches the drain deadline), and the service returns after its end is written.
        service.cancel()
        try await service.value
        #expect(ended.withLock { $0 } == 1)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.cancelled], "\(runs)")
    }

    @Test func aWorkGroup_runsEveryJobStarted_cancelsOneAlone_andEndsAfterThemOnClose() async {
        let group = WorkGroup()
        group.accept()
        let service = Task { await group.run() }
        let log = Mutex<[String]>([])
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let waiting = group.start {
            var it = gate.makeAsyncIterator()
            _ = await it.next()
            log.withLock { $0.append("waited") }
        }
        let cancelled = group.start {
            while !Task.isCancelled { await Task.yield() }
            log.withLock { $0.append("cancelled") }
        }
        cancelled.cancel()
        await cancelled.wait()
        #expect(log.withLock { $0 } == ["cancelled"], "only the cancelled job ended")
        group.close()
        open.yield()
        await waiting.wait()
        await service.value
        #expect(log.withLock { $0 }.sorted() == ["cancelled", "waited"])
    }
}
