import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    /// A schedule and its first claimed run (scheduled at `t0 + 300`).
    static func claimedRun(_ store: any Store, _ name: String = "digest") async throws -> (Schedule, Run) {
        let s = try await store.createSchedule(Fixture.schedule(name), author: "a")
        let runs = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "engine")
        try check(runs.count == 1, "one run claimed")
        return (s, runs[0])
    }

    static let runCases: [ConformanceCase] = [
        ConformanceCase("finishRuns_batch_finishesOursAndReportsTheOthers") { store in
            _ = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("c"), author: "a")
            let ours = try await store.claimDue(now: Fixture.at(300), limit: 2, owner: "w1", start: true)
            let theirs = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "w2", start: true)
            try check(ours.count == 2 && theirs.count == 1, "two runs for w1, one for w2")
            let results = await store.finishRuns([
                RunFinish(id: ours[0].id, status: .succeeded, at: Fixture.at(310), output: "ok",
                          startedAt: Fixture.at(305), firesAt: Fixture.at(304)),
                RunFinish(id: theirs[0].id, status: .failed, at: Fixture.at(310), error: "not mine"),
                RunFinish(id: ours[1].id, status: .failed, at: Fixture.at(311), error: "boom",
                          next: Run(id: "run_retry_of_third", scheduleID: ours[1].scheduleID, scheduledAt: ours[1].scheduledAt,
                                     firesAt: Fixture.at(341), attempt: 2, status: .queued, trigger: .retry)),
            ], owner: "w1")
            try check(results.count == 3 && results[0] == nil && results[2] == nil, "ours finished: \(results)")
            let lost = try results[1] ?? { throw ConformanceFailure(message: "another owner's run finished", location: "batch") }()
            let first = try await store.run(id: ours[0].id)!
            let third = try await store.run(id: ours[1].id)!
            try check(first.status == .succeeded && first.startedAt == Fixture.at(305) && first.firesAt == Fixture.at(304),
                      "the real start and jittered due instant are recorded: \(first)")
            try check(third.status == .failed && third.error == "boom", "third finished: \(third)")
            try check((lost as? StoreError) == .leaseLost(runID: theirs[0].id), "another owner's run is reported: \(lost)")
            try check(try await store.run(id: theirs[0].id)?.status == .held, "and left alone")
            let retry = try await store.run(id: "run_retry_of_third")
            try check(retry?.status == .queued && retry?.attempt == 2 && retry?.firesAt == Fixture.at(341),
                      "the retry is queued with the finish: \(String(describing: retry))")
        },
        ConformanceCase("run_lifecycle_startHeartbeatFinish_updatesState") { store in
            let (s, queued) = try await claimedRun(store)
            let started = try await store.startRun(id: queued.id, owner: "w1", at: Fixture.at(301))
            try check(started.status == .running && started.owner == "w1" && started.startedAt == Fixture.at(301)
                      && started.heartbeatAt == Fixture.at(301), "running under w1's lease: \(started)")
            try check(try await store.activeRuns(scheduleID: s.id).map(\.id) == [queued.id], "the run is active")
            try await store.heartbeat(runID: queued.id, owner: "w1", at: Fixture.at(320))
            try check(try await store.run(id: queued.id)?.heartbeatAt == Fixture.at(320), "heartbeat renewed")
            let long = String(repeating: "x", count: Run.outputExcerptLimit + 10)
            let done = try await store.finishRun(id: queued.id, owner: "w1", status: .succeeded, at: Fixture.at(330),
                                                 output: long, error: nil)
            try check(done.status == .succeeded && done.finishedAt == Fixture.at(330), "succeeded at t0+330: \(done)")
            try check(done.output?.count == Run.outputExcerptLimit, "output kept as an excerpt")
            try check(try await store.run(id: queued.id) == done, "the finished run reads back equal")
            try check(try await store.activeRuns(scheduleID: nil).isEmpty, "no active run left")
            let state = try await store.state(scheduleID: s.id)
            try check(state?.lastStatus == .succeeded && state?.lastFireAt == Fixture.at(300) && state?.consecutiveFailures == 0,
                      "state records the success: \(String(describing: state))")
            try await store.recordDeliveryError(runID: queued.id, error: "webhook answered 500")
            let delivered = try await store.run(id: queued.id)
            try check(delivered?.deliveryError == "webhook answered 500" && delivered?.status == .succeeded,
                      "a delivery error is recorded and the status kept: \(String(describing: delivered))")
            try await checkThrows(.runNotFound("run_missing")) {
                try await store.startRun(id: "run_missing", owner: "w1", at: Fixture.at(0))
            }
            try await checkThrows(.runNotFound("run_missing")) {
                try await store.finishRun(id: "run_missing", owner: "w1", status: .failed, at: Fixture.at(0), output: nil, error: nil)
            }
            try await checkThrows(.runNotFound("run_missing")) { try await store.recordDeliveryError(runID: "run_missing", error: "x") }
        },
        ConformanceCase("run_lostLease_writesNothing") { store in
            let (s, queued) = try await claimedRun(store)
            let started = try await store.startRun(id: queued.id, owner: "w1", at: Fixture.at(301))
            let stateBefore = try await store.state(scheduleID: s.id)
            let eventsBefore = try await store.events(after: 0, limit: 1000)
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.startRun(id: queued.id, owner: "w2", at: Fixture.at(302))
            }
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.heartbeat(runID: queued.id, owner: "w2", at: Fixture.at(303))
            }
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.finishRun(id: queued.id, owner: "w2", status: .failed, at: Fixture.at(304), output: "x", error: "y")
            }
            try check(try await store.run(id: queued.id) == started, "the run is unchanged")
            try check(try await store.state(scheduleID: s.id) == stateBefore, "the schedule's state is unchanged")
            try check(try await store.events(after: 0, limit: 1000) == eventsBefore, "no event recorded")
            // Once finished, nobody (not even the owner) writes for the run again.
            _ = try await store.finishRun(id: queued.id, owner: "w1", status: .failed, at: Fixture.at(310), output: nil, error: "boom")
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.finishRun(id: queued.id, owner: "w1", status: .succeeded, at: Fixture.at(311), output: nil, error: nil)
            }
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.heartbeat(runID: queued.id, owner: "w1", at: Fixture.at(312))
            }
            try check(try await store.run(id: queued.id)?.status == .failed, "the first finish stands")
        },
        ConformanceCase("run_finish_queuedRunByAnyone_andFailureStreak") { store in
            let (s, queued) = try await claimedRun(store)
            let skipped = try await store.finishRun(id: queued.id, owner: "someone-else", status: .skipped, at: Fixture.at(300),
                                                    output: nil, error: "overlap: previous run still running")
            try check(skipped.status == .skipped && skipped.error == "overlap: previous run still running", "skipped: \(skipped)")
            var failures: [Int] = []
            for (i, status) in [Run.Status.failed, .timedOut, .skipped, .cancelled, .failed, .succeeded, .failed].enumerated() {
                let run = try await store.insertRun(Fixture.run(s.id, at: Double(1000 + i * 60)))
                _ = try await store.startRun(id: run.id, owner: "w", at: run.scheduledAt)
                _ = try await store.finishRun(id: run.id, owner: "w", status: status, at: run.scheduledAt.addingTimeInterval(5),
                                              output: nil, error: nil)
                let state = try await store.state(scheduleID: s.id)
                try check(state?.lastStatus == status, "last status \(status), got \(String(describing: state))")
                failures.append(state?.consecutiveFailures ?? -1)
            }
            try check(failures == [1, 2, 2, 2, 3, 0, 1], "failures counted, skips and cancels neutral: \(failures)")
            try await store.setPaused(scheduleID: s.id, reason: "pause_after_failures")
            try await store.setPaused(scheduleID: s.id, reason: nil)
            try check(try await store.state(scheduleID: s.id)?.consecutiveFailures == 0, "resuming clears the count")
            let history = try await store.runs(scheduleID: s.id, limit: 3)
            try check(history.count == 3 && history.map(\.scheduledAt) == history.map(\.scheduledAt).sorted(by: >),
                      "history is newest first and limited: \(history.map(\.scheduledAt))")
        },
        ConformanceCase("recover_deadProcess_heldFiresGoBackToTheQueue_runningOnesAreAbandoned_withinLiveness") { store in
            _ = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            let held = try await store.claimDue(now: Fixture.at(300), limit: 2, owner: "dead", start: true)
            _ = try await store.startHeld(ids: [held[0].id], owner: "dead", at: Fixture.at(300))
            try await store.beat(owner: "dead", at: Fixture.at(300))
            try await store.beat(owner: "alive", at: Fixture.at(300))
            // 5 s later: no beat is older than the 10 s liveness timeout yet.
            var r = try await store.recover(now: Fixture.at(305), leaseTimeout: 60, livenessTimeout: 10)
            try check(r.requeued.isEmpty && r.abandoned.isEmpty, "a live process keeps its work: \(r)")
            try await store.beat(owner: "alive", at: Fixture.at(311))
            r = try await store.recover(now: Fixture.at(312), leaseTimeout: 60, livenessTimeout: 10)
            try check(r.requeued.map(\.id) == [held[1].id], "the dead process's held fire goes back: \(r.requeued)")
            try check(r.abandoned.map(\.id) == [held[0].id], "its running run is abandoned: \(r.abandoned)")
            try check(r.abandoned.first?.error == "its process stopped (no liveness beat)", "\(String(describing: r.abandoned.first?.error))")
            let back = try await store.run(id: held[1].id)
            try check(back?.status == .queued && back?.owner == nil && back?.attempt == 1, "queued, unowned, still attempt 1: \(String(describing: back))")
            try check(try await store.startHeld(ids: [held[1].id], owner: "dead", at: Fixture.at(313)).isEmpty,
                      "the dead process cannot start it any more")
            let mine = try await store.startRun(id: held[1].id, owner: "alive", at: Fixture.at(313))
            try check(mine.status == .running && mine.owner == "alive", "a live process starts it: \(mine)")
            try await checkThrows(.leaseLost(runID: held[0].id)) {
                try await store.finishRun(id: held[0].id, owner: "dead", status: .succeeded, at: Fixture.at(314), output: nil, error: nil)
            }
            r = try await store.recover(now: Fixture.at(320), leaseTimeout: 60, livenessTimeout: 10)
            try check(r.requeued.isEmpty && r.abandoned.isEmpty, "taken over once: \(r)")
        },
        ConformanceCase("handBack_unstartedRuns_goBackToTheQueue_onlyThoseOfTheOwner") { store in
            _ = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            let mine = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "w1", start: true)
            let theirs = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "w2", start: true)
            try await store.handBack(ids: mine.map(\.id) + theirs.map(\.id), owner: "w1", at: Fixture.at(301))
            try check(try await store.run(id: mine[0].id)?.status == .queued, "ours is queued again")
            try check(try await store.run(id: theirs[0].id)?.status == .held, "another owner's is left alone")
            let events = try await store.events(after: 0, limit: 1000).map(\.event)
            try check(events.contains { $0.kind == .runQueued && $0.entityID == mine[0].id }, "a queued event wakes the others")
        },
        ConformanceCase("run_expiredLease_isAbandonedAndFenced") { store in
            let (s, queued) = try await claimedRun(store)
            _ = try await store.startRun(id: queued.id, owner: "w1", at: Fixture.at(300))
            let other = try await store.insertRun(Fixture.run(s.id, at: 400))
            _ = try await store.startRun(id: other.id, owner: "w2", at: Fixture.at(400))
            let waiting = try await store.insertRun(Fixture.run(s.id, at: 500))
            try await store.heartbeat(runID: other.id, owner: "w2", at: Fixture.at(450))
            try check(try await store.abandonExpiredRuns(now: Fixture.at(330), leaseTimeout: 60).isEmpty, "no lease expired yet")
            let abandoned = try await store.abandonExpiredRuns(now: Fixture.at(470), leaseTimeout: 60)
            try check(abandoned.map(\.id) == [queued.id] && abandoned.first?.status == .abandoned,
                      "only the run whose heartbeat is older than 60 s: \(abandoned)")
            try check(try await store.run(id: queued.id)?.status == .abandoned, "stored as abandoned")
            try check(try await store.run(id: other.id)?.status == .running, "a renewed lease is kept")
            try check(try await store.run(id: waiting.id)?.status == .queued, "a queued run holds no lease")
            let state = try await store.state(scheduleID: s.id)
            try check(state?.lastStatus == .abandoned && state?.consecutiveFailures == 1, "abandoned counts as a failure: \(String(describing: state))")
            try await checkThrows(.leaseLost(runID: queued.id)) { try await store.heartbeat(runID: queued.id, owner: "w1", at: Fixture.at(471)) }
            try await checkThrows(.leaseLost(runID: queued.id)) {
                try await store.finishRun(id: queued.id, owner: "w1", status: .succeeded, at: Fixture.at(472), output: nil, error: nil)
            }
            try check(try await store.run(id: queued.id)?.status == .abandoned, "the late owner wrote nothing")
            try check(try await store.abandonExpiredRuns(now: Fixture.at(470), leaseTimeout: 60).isEmpty, "abandoned once")
            try check(try await store.activeRuns(scheduleID: s.id).map(\.id) == [other.id, waiting.id], "active runs, oldest first")
        },
    ]
}
