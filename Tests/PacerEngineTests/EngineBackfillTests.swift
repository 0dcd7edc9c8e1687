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
        await h.advance(to: 11)
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [-300, -240, -180, -120, -60])
        let runs = try await h.runs(s)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.trigger == .backfill }, "\(runs.map(\.status))")
        #expect(try await h.store.state(scheduleID: s.id)?.nextFireAt == Harness.t0.addingTimeInterval(60))
    }

    @Test func theSchedulesSkip_runsTheFirst_andSkipsThoseThatFindItGoing() async throws {
        let box = ClockBox()
        let h = try Harness(behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let clock = h.clock
        box.set { _, index in
            if index == 0 { try? await clock.sleep(until: clock.now().addingTimeInterval(30)) }
            return .succeeded(output: "ok \(index)")
        }
        let s = try await h.add("minutely", rule: "* * * * *") { $0.policies.overlap = .skip }
        await h.advance(to: 10)
        _ = try await backfill(h, s, overlap: nil)
        await h.tick(to: 11)
        try await h.waitForSleepers(1)
        await h.advance(to: 41)
        let runs = try await h.runs(s).filter { $0.trigger == .backfill }
        #expect(runs.map { Harness.at($0.scheduledAt) } == [-300, -240, -180, -120, -60])
        #expect(runs.map(\.status) == [.succeeded, .skipped, .skipped, .skipped, .skipped])
        #expect(h.runner.recorded.map { Harness.at($0.scheduledAt) } == [-300])
    }
}
