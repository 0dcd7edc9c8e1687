import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let backfillCases: [ConformanceCase] = [
        ConformanceCase("insertBackfill_recordsFiresThatNeverRan_once_withEvents") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let held = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "w")[0]
            let missed = try await store.insertRun(Fixture.run(s.id, at: 600, status: .missed, trigger: .schedule))
            let request = Backfill(from: Fixture.at(300), to: Fixture.at(900), overlap: .allow)
            let runs = [300.0, 600, 900].map { request.run(at: Fixture.at($0), scheduleID: s.id, now: Fixture.at(1000)) }
            let before = try await store.events(after: 0, limit: 10_000).last?.sequence ?? 0
            let recorded = try await store.insertBackfill(runs)
            try check(recorded.map(\.scheduledAt) == [Fixture.at(600), Fixture.at(900)],
                      "the held fire is left alone, the missed and the new one are recorded: \(recorded)")
            try check(recorded.map(\.attempt) == [missed.attempt + 1, 1], "a missed fire runs as its next attempt: \(recorded)")
            for run in recorded {
                let stored = try await store.run(id: run.id)
                try check(stored?.status == .queued && stored?.trigger == .backfill && stored?.firesAt == Fixture.at(1000)
                          && stored.map(Backfill.overlap(of:)) == .allow,
                          "queued backfill run due now, with its overlap policy: \(String(describing: stored))")
            }
            try check(try await store.run(id: held.id) == held, "the claimed run is untouched")
            let events = try await store.events(after: before, limit: 100).map(\.event)
            try check(events.map(\.kind) == [.runQueued, .runQueued] && events.map(\.entityID) == recorded.map(\.id),
                      "one run_queued event per recorded run: \(events)")
            let again = try await store.insertBackfill([300.0, 600, 900].map {
                request.run(at: Fixture.at($0), scheduleID: s.id, now: Fixture.at(1100))
            })
            try check(again.isEmpty, "a repeated backfill records nothing: \(again)")
        },
        ConformanceCase("insertBackfill_allOrNothing_andUnknownSchedule") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let request = Backfill(from: Fixture.at(300), to: Fixture.at(600))
            var runs = [300.0, 600].map { request.run(at: Fixture.at($0), scheduleID: s.id, now: Fixture.at(700)) }
            runs[1].id = runs[0].id  // the second insert fails
            try await checkThrows("a failed backfill", { try await store.insertBackfill(runs) }) { _ in true }
            try check(try await store.runs(scheduleID: s.id, limit: 10).isEmpty, "a failed backfill records nothing")
            let stray = request.run(at: Fixture.at(300), scheduleID: "sch_missing", now: Fixture.at(700))
            try await checkThrows(StoreError.scheduleNotFound("sch_missing")) { try await store.insertBackfill([stray]) }
            try check(try await store.insertBackfill([]).isEmpty, "an empty backfill records nothing")
        },
            ConformanceCase("holdQueued_takesItOnce_andADeadHoldersRunGoesBackUnattempted") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let queued = try await store.insertRun(Fixture.run(s.id, at: 10))
            let held = try await store.holdQueued(id: queued.id, owner: "dead", at: Fixture.at(20))
            try check(held.status == .held && held.owner == "dead" && held.heartbeatAt == Fixture.at(20) && held.startedAt == nil,
                      "held by dead, not started: \(held)")
            try await checkThrows(.leaseLost(runID: queued.id)) { try await store.holdQueued(id: queued.id, owner: "alive", at: Fixture.at(21)) }
            try await checkThrows(.runNotFound("run_missing")) { try await store.holdQueued(id: "run_missing", owner: "alive", at: Fixture.at(21)) }
            try await store.beat(owner: "dead", at: Fixture.at(20))
            try await store.beat(owner: "alive", at: Fixture.at(40))
            let r = try await store.recover(now: Fixture.at(41), leaseTimeout: 60, livenessTimeout: 10)
            try check(r.requeued.map(\.id) == [queued.id] && r.abandoned.isEmpty, "its holder died: back to the queue: \(r)")
            let back = try await store.run(id: queued.id)
            try check(back?.status == .queued && back?.owner == nil && back?.attempt == 1 && back?.trigger == .manual,
                      "queued again, no attempt spent: \(String(describing: back))")
            _ = try await store.holdQueued(id: queued.id, owner: "alive", at: Fixture.at(42))
            try check(try await store.startHeld(ids: [queued.id], owner: "alive", at: Fixture.at(43)) == [queued.id], "started when a slot is free")
            try check(try await store.run(id: queued.id)?.status == .running, "running")
        },
    ]
}
