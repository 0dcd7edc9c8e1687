import PacerSQLite
import Foundation
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Testing

/// Backfill runs start under the overlap policy their backfill names, or else the schedule's.
@Suite(.timeLimit(.minutes(1))) struct EngineBackfillTests {
    /// Queues the five fires of a minutely rule from t0-300 to t0-60.
    func backfill(_ h: Harness, _ s: Schedule, overlap: OverlapPolicy?) async throws -> [Run] {
        let request = Backfill(from: Harness.t0.addingTimeInterval(-300), to: Harness.t0.addingTimeInterval(-60), overlap: overlap)
        let runs = try request.fires(of: s).instants.map { request.run(at: $0, scheduleID: s.id, now: h.clock.now()) }
        return try await h.store.insertBackfill(runs)
    }

    @Test func overlapAllow_runsEveryFire_withItsNominalInstant_withoutShiftingTheSchedule() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("minutely", rule: "* * * * *") { $0.policies.overlap = .skip }
        await h.advance(to: 10)
        let queued = try await backfill(h, s, overlap: .allow)
        #expect(queued.count == 5)
        await h.advance(to: 11)  // three of the four slots: one stays free for the schedules' own fires
        await h.advance(to: 13)
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [-300, -240, -180, -120, -60])
        let runs = try await h.runs(s)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.trigger == .backfill }, "\(runs.map(\.status))")
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(60))
    }

    /// Steps the engine through manual-clock time until `n` runner calls were made.
    func runUntil(_ h: Harness, calls n: Int, from start: TimeInterval, by step: TimeInterval, most: Int = 60) async throws {
        var t = start
        for _ in 0..<most where h.runner.recorded.count < n {
            t += step
            h.clock.advance(to: Harness.t0.addingTimeInterval(t))
            for _ in 0..<50 {
                await h.engine.step()
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    @Test func theSchedulesSkip_runsThemOneAtATime_noneDropped() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, index in
            try? await clock.sleep(until: clock.now().addingTimeInterval(10))
            return .succeeded(output: "ok \(index)")
        }
        let s = try await h.add("minutely", rule: "* * * * *") { $0.policies.overlap = .skip }
        try await h.store.setPaused(scheduleID: s.id, reason: "only its backfill runs")  // no fires of its own
        await h.advance(to: 10)
        _ = try await backfill(h, s, overlap: nil)
        try await runUntil(h, calls: 5, from: 10, by: 11)
        await h.advance(to: 200)
        let calls = h.runner.recorded
        #expect(calls.map { Harness.at($0.scheduledAt) } == [-300, -240, -180, -120, -60], "in order of their fires")
        for (a, b) in zip(calls, calls.dropFirst()) {
            #expect(b.at.timeIntervalSince(a.at) >= 10, "one at a time: \(Harness.at(a.at)) then \(Harness.at(b.at))")
        }
        let runs = try await h.runs(s)
        #expect(runs.map(\.status) == [.succeeded, .succeeded, .succeeded, .succeeded, .succeeded], "none skipped")
    }

    @Test func overlapAllow_leavesASlotForTheSchedulesOwnFires() async throws {
        let box = ClockBox()
        let h = try Harness(maxConcurrent: 2, behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, _ in
            try? await clock.sleep(until: clock.now().addingTimeInterval(100))
            return .succeeded(output: "ok")
        }
        let old = try await h.add("old", rule: "* * * * *")
        try await h.store.setPaused(scheduleID: old.id, reason: "only its backfill runs")
        let live = try await h.add("live", rule: "every 60s")
        await h.advance(to: 10)
        _ = try await backfill(h, old, overlap: .allow)
        await h.tick(to: 11)
        try await h.waitForSleepers(1)
        await h.tick(to: 60)
        try await h.waitForRunnerCalls(2)
        let liveCall = try #require(h.runner.recorded.first { $0.scheduleID == live.id }, "\(h.runner.recorded.map(\.scheduleID))")
        #expect(Harness.at(liveCall.at) == 60, "the live fire starts on time beside the backfill")
        #expect(h.runner.recorded.filter { $0.scheduleID == old.id }.count == 1, "the backfill used one of the two slots")
    }
}
