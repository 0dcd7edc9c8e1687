import PacerSQLite
import Foundation
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Synchronization
import Testing

/// A runner that works for 150 s of manual-clock time on its first call, then returns at once.
private func slowFirst(_ clock: ManualClock) -> ScriptedRunner.Behaviour {
    { _, index in
        if index == 0 {
            do { try await clock.sleep(until: clock.now().addingTimeInterval(150)) } catch { return .failed("stopped") }
        }
        return .succeeded(output: "done \(index)")
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineOverlapTests {
    /// Fires at 60 (slow, until 210), 120 and 180 (while it runs), then 240.
    func scenario(_ policy: OverlapPolicy) async throws -> (Harness, Schedule) {
        let box = ClockBox()
        let h = try Harness(behaviour: { request, index in await box.behaviour(request, index) })
        box.set(slowFirst(h.clock))
        let s = try await h.add("slow") { $0.policies.overlap = policy }
        await h.tick(to: 60)
        try await h.waitForSleepers(1)  // the runner is at work
        await h.tick(to: 120)
        await h.tick(to: 180)
        return (h, s)
    }

    @Test func overlap_skip_recordsSkippedFiresWhileRunning() async throws {
        let (h, s) = try await scenario(.skip)
        defer { Task { await h.close() } }
        await h.advance(to: 210)
        await h.advance(to: 240)
        let runs = try await h.runs(s)
        #expect(runs.map { Harness.at($0.scheduledAt) } == [60, 120, 180, 240])
        #expect(runs.map(\.status) == [.succeeded, .skipped, .skipped, .succeeded])
        #expect(runs[1].error?.contains("still running") == true)
    }

    @Test func overlap_bufferOne_keepsOneFireAndStartsItAfter() async throws {
        let (h, s) = try await scenario(.bufferOne)
        defer { Task { await h.close() } }
        await h.advance(to: 210)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.succeeded, .succeeded, .skipped])
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [60, 120])
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [60, 210], "the buffered fire starts when the first ends")
    }

    @Test func overlap_allow_runsConcurrently() async throws {
        let (h, s) = try await scenario(.allow)
        defer { Task { await h.close() } }
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [60, 120, 180])
        await h.advance(to: 210)
        #expect(try await h.runs(s).map(\.status) == [.succeeded, .succeeded, .succeeded])
    }

    @Test func overlap_cancelPrevious_cancelsTheRunningRun() async throws {
        let (h, s) = try await scenario(.cancelPrevious)
        defer { Task { await h.close() } }
        await h.advance(to: 181)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.cancelled, .succeeded, .succeeded])
        #expect(runs[0].error?.contains("cancel_previous") == true)
    }

    @Test func retry_isNotSubjectToTheOverlapPolicyOfNewFires() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, index in
            if index == 0 { return .failed("boom") }
            if index == 1 { try? await clock.sleep(until: clock.now().addingTimeInterval(150)) }
            return .succeeded(output: "ok \(index)")
        }
        let s = try await h.add("flaky") {
            $0.policies.overlap = .skip
            $0.policies.retry = RetryPolicy(maxAttempts: 2, backoffBaseSeconds: 70, jitterFraction: 0)
        }
        await h.tick(to: 60)    // fails; its retry is due at 130
        await h.tick(to: 120)   // the next fire starts and runs until 270
        try await h.waitForSleepers(1)
        await h.tick(to: 130)   // the retry comes while it runs: it still runs
        for _ in 0..<500 where h.runner.recorded.count < 3 {
            await h.engine.step()
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [60, 120, 60])
        #expect(h.runner.recorded.last?.attempt == 2)
        clock.advance(to: Harness.t0.addingTimeInterval(270))
        await h.engine.settle()
        let runs = try await h.runs(s)
        #expect(runs.filter { $0.status == .skipped }.isEmpty, "\(runs.map(\.status))")
    }

    @Test func concurrency_limit_startsWaitingRunsInScheduledOrder() async throws {
        let box = ClockBox()
        let h = try Harness(maxConcurrent: 1, behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, _ in
            do { try await clock.sleep(until: clock.now().addingTimeInterval(5)) } catch {}
            return .succeeded(output: nil)
        }
        let a = try await h.add("a", rule: "every 60s")
        h.clock.advance(by: 1)
        let b = try await h.add("b", rule: "every 60s")  // fires at 61
        h.clock.advance(by: 1)
        let c = try await h.add("c", rule: "every 60s")  // fires at 62
        await h.tick(to: 62)  // all three due; one slot
        try await h.waitForSleepers(1)
        for (t, started) in [(67.0, 2), (72, 3)] {
            h.clock.advance(to: Harness.t0.addingTimeInterval(t))
            // The run that ended hands its slot to the next one; step until it has started.
            for _ in 0..<500 where h.runner.recorded.count < started {
                await h.engine.step()
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        #expect(h.runner.recorded.map(\.scheduleID) == [a.id, b.id, c.id])
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [62, 67, 72])
    }
}

/// Lets a test install the runner's behaviour after the harness (and its clock) exist.
final class ClockBox: Sendable {
    private let stored = Mutex<ScriptedRunner.Behaviour?>(nil)
    func set(_ b: @escaping ScriptedRunner.Behaviour) { stored.withLock { $0 = b } }
    func behaviour(_ r: RunRequest, _ i: Int) async -> RunOutcome {
        guard let b = stored.withLock({ $0 }) else { return .succeeded(output: nil) }
        return await b(r, i)
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineReplicaOverlapTests {
    /// The bug of claim-time checks: a replica that claims its fire ahead saw the other
    /// replica's previous fire still running, and skipped; at its instant that run was over.
    @Test func overlap_skip_sharedStore_judgesAtTheFiresInstant_notWhenItWasClaimedAhead() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, index in
            if index == 0 { try? await clock.sleep(until: Harness.t0.addingTimeInterval(60.5)) }
            return .succeeded(output: nil)
        }
        let s = try await h.add("tick", rule: "every 1s")
        h.clock.advance(to: Harness.t0.addingTimeInterval(59))  // its next fire is 60 (created at 0... every second)
        let a = Harness.makeEngine(store: h.store, runner: h.runner, clock: clock, owner: "replica-a", claimAhead: 0.75, sharedStore: true)
        let b = Harness.makeEngine(store: h.store, runner: h.runner, clock: clock, owner: "replica-b", claimAhead: 0.75, sharedStore: true)
        try await h.store.setNextFire(scheduleID: s.id, at: Harness.t0.addingTimeInterval(60))
        clock.advance(to: Harness.t0.addingTimeInterval(59.25))
        await a.step()                                   // A holds the fire at 60
        clock.advance(to: Harness.t0.addingTimeInterval(60))
        await a.step()                                   // and starts it: it runs until 60.5
        try await h.waitForSleepers(1)
        clock.advance(to: Harness.t0.addingTimeInterval(60.25))
        await b.step()                                   // B holds the fire at 61 while A's still runs
        clock.advance(to: Harness.t0.addingTimeInterval(60.5))
        await a.settle()                                 // A's run ends and is written
        clock.advance(to: Harness.t0.addingTimeInterval(61))
        await b.settle()
        let runs = try await h.runs(s).filter { Harness.at($0.scheduledAt) <= 61 }
        #expect(runs.map(\.status) == [.succeeded, .succeeded], "\(runs.map { ($0.status, $0.error ?? "") })")
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [60, 61])
    }

    @Test func overlap_skip_sharedStore_seesARunOfAnotherReplica() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, index in
            if index == 0 { try? await clock.sleep(until: clock.now().addingTimeInterval(150)) }
            return .succeeded(output: nil)
        }
        let s = try await h.add("slow")
        let a = Harness.makeEngine(store: h.store, runner: h.runner, clock: clock, owner: "replica-a", sharedStore: true)
        let b = Harness.makeEngine(store: h.store, runner: h.runner, clock: clock, owner: "replica-b", sharedStore: true)
        clock.advance(to: Harness.t0.addingTimeInterval(60))
        await a.step()
        try await h.waitForSleepers(1)  // replica A runs the fire at 60 (until 210)
        clock.advance(to: Harness.t0.addingTimeInterval(120))
        await b.step()
        await b.step()
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.running, .skipped])
        #expect(runs.last?.error?.contains("replica-a") == true, "\(String(describing: runs.last?.error))")
        #expect(h.runner.recorded.count == 1)
        clock.advance(to: Harness.t0.addingTimeInterval(210))
        await a.settle()
    }
}
