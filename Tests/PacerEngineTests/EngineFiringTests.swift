import PacerSQLite
import Foundation
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Recurrence
import Testing

@Suite(.timeLimit(.minutes(1))) struct EngineFiringTests {
    @Test func fire_whenDue_runsOnceAtTheScheduledInstant() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        await h.advance(to: 59)
        #expect(h.runner.recorded.isEmpty)
        await h.advance(to: 60)
        await h.advance(to: 61)
        let runs = try await h.runs(s)
        #expect(runs.count == 1)
        #expect(runs.first?.status == .succeeded)
        #expect(runs.first.map { Harness.at($0.scheduledAt) } == 60)
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [60])
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(120))
    }

    @Test func nextDeadline_isTheEarliestFire_noPolling() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        try await h.add("a", rule: "every 300s")
        try await h.add("b", rule: "every 90s")
        let engine = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, recoveryInterval: 3600)
        #expect(await engine.step() == Harness.t0.addingTimeInterval(90))
        h.clock.advance(by: 90)
        await engine.settle()  // b fires at 90; while it runs, the lease heartbeat is the deadline
        #expect(await engine.step() == Harness.t0.addingTimeInterval(180))
        // A schedule added by another writer moves the deadline at the next pass.
        try await h.add("c", rule: "every 50s")
        #expect(await engine.step() == Harness.t0.addingTimeInterval(140))
    }

    @Test func misfire_skip_afterDowntime_recordsOneMissedFireAndResumesInTheFuture() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        await h.advance(to: 3600 + 30)  // the engine was down for an hour
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.missed])
        #expect(runs.first?.error?.contains("misfire policy skip") == true)
        #expect(h.runner.recorded.isEmpty)
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(3660))
        await h.advance(to: 3660)
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [3660])
    }

    @Test func misfire_runOnce_afterDowntime_runsOneCatchUp() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping") { $0.policies.misfire = .runOnce }
        await h.advance(to: 3630)
        #expect(h.runner.recorded.count == 1)
        #expect(try await h.runs(s).map(\.status) == [.succeeded])
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(3660))
    }

    @Test func misfire_runAll_afterDowntime_runsTheLatestCatchupLimitFiresInOrder() async throws {
        let h = try Harness(maxConcurrent: 1)
        defer { Task { await h.close() } }
        let s = try await h.add("ping") {
            $0.policies.misfire = .runAll
            $0.policies.catchupLimit = 5
        }
        await h.advance(to: 630)
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [360, 420, 480, 540, 600])
        let runs = try await h.runs(s)
        #expect(runs.filter { $0.status == .missed }.count == 1)
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(660))
    }

    @Test func misfire_ruleChangedWhileDown_noSpuriousCatchUp() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping") { $0.policies.misfire = .runAll }
        await h.advance(to: 1)  // the engine knew the old rule, then went down
        h.clock.advance(to: Harness.t0.addingTimeInterval(1000))
        var edited = s.revised(at: h.clock.now()) { $0.timing.rule = "0 * * * *" }  // hourly, on the hour
        edited = try await h.store.updateSchedule(edited, author: "test")
        // Back up a little later: a fresh engine on the same store.
        h.clock.advance(to: Harness.t0.addingTimeInterval(1100))
        let restarted = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, owner: "engine-2")
        await restarted.settle()
        #expect(h.runner.recorded.isEmpty, "no fire of the old every-60s rule may be caught up")
        h.clock.advance(to: Harness.t0.addingTimeInterval(3600))
        await restarted.settle()
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [3600])
        #expect(edited.revision == 2)
    }

    @Test func exclusion_matchingInstant_isSkippedWithReason() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping") { $0.policies.exclusions = ["2 8 * * *"] }  // 08:02 UTC = t0+120
        await h.advance(to: 60)
        await h.advance(to: 120)
        await h.advance(to: 180)
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.succeeded, .skipped, .succeeded])
        #expect(runs[1].error?.contains("exclusions") == true)
    }

    @Test func jitter_delaysTheStartByTheCadenceOffset() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping", jitter: 30)
        let offset = try s.cadence().jitterOffset(for: Int64(Harness.t0.timeIntervalSince1970) + 60)
        #expect(offset > 0 && offset < 30)
        await h.advance(to: 60)
        #expect(h.runner.recorded.isEmpty, "not before the jittered instant")
        await h.advance(to: 60 + offset)
        #expect(h.runner.recorded.count == 1)
        #expect(abs((h.runner.recorded.first.map { Harness.at($0.at) } ?? 0) - (60 + offset)) < 0.001)
        let run = try #require(try await h.runs(s).first)
        #expect(run.status == .succeeded)
        #expect(abs(run.firesAt.timeIntervalSince(run.scheduledAt) - offset) < 0.002, "fires_at records the jitter")
        #expect(abs((run.startedAt.map(Harness.at) ?? 0) - (60 + offset)) < 0.002, "started_at is the real start")
    }

    @Test func runNow_queuedByAnotherWriter_runsWithoutShiftingTheSchedule() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        await h.advance(to: 10)
        let manual = Run(id: PacerID.make(.run, at: h.clock.now()), scheduleID: s.id, scheduledAt: h.clock.now(),
                         trigger: .manual)
        _ = try await h.store.insertRun(manual)
        await h.advance(to: 11)
        #expect(h.runner.recorded.map(\.runID) == [manual.id])
        #expect(try await h.store.run(id: manual.id)?.status == .succeeded)
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(60))
    }

    @Test func pausedSchedule_doesNotFire_untilResumed() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        try await h.store.setPaused(scheduleID: s.id, reason: "by test")
        await h.advance(to: 61)
        #expect(h.runner.recorded.isEmpty)
        try await h.store.setPaused(scheduleID: s.id, reason: nil)
        await h.advance(to: 62)  // the stored next fire (60) is 2 s late: within grace, it runs
        #expect(h.runner.recorded.count == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineClaimAheadTests {
    @Test func claimAhead_holdsTheClaimedFireUntilItsInstant() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        let engine = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, recoveryInterval: 3600, claimAhead: 0.5)
        #expect(await engine.step() == Harness.t0.addingTimeInterval(59.5), "wakes to claim half a second early")
        h.clock.advance(to: Harness.t0.addingTimeInterval(59.5))
        #expect(await engine.step() == Harness.t0.addingTimeInterval(60))
        #expect(try await h.runs(s).map(\.status) == [.held], "claimed and held under the lease, not started")
        #expect(h.runner.recorded.isEmpty, "not started before its instant")
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        await engine.settle()
        #expect(h.runner.recorded.map { Harness.at($0.at) } == [60])
        let run = try #require(try await h.runs(s).first)
        #expect(run.status == .succeeded && run.startedAt == Harness.t0.addingTimeInterval(60), "started_at is the real start")
    }

    @Test func claimAhead_pausedBeforeItsInstant_theHeldFireIsSkipped() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("ping")
        let engine = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, recoveryInterval: 3600, claimAhead: 0.5)
        h.clock.advance(to: Harness.t0.addingTimeInterval(59.6))
        await engine.step()
        try await h.store.setPaused(scheduleID: s.id, reason: "maintenance")
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        await engine.settle()
        #expect(h.runner.recorded.isEmpty)
        let run = try #require(try await h.runs(s).first)
        #expect(run.status == .skipped && run.error?.contains("paused") == true)
    }
}
