import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let claimCases: [ConformanceCase] = [
        ConformanceCase("claimDeciding_aLateFireUnderSkip_isRecordedMissed_inTheClaim_andTheNextFireIsInTheFuture") { store in
            let s = try await store.createSchedule(Fixture.schedule("late"), author: "a")  // */5, first fire t0+300
            let cursor = try await store.lastEventSequence()
            let runs = try await store.claimDue(now: Fixture.at(1000), limit: 10, owner: "w1", start: true, deciding: Fixture.at(1000))
            try check(runs.count == 1, "one fire claimed: \(runs)")
            let missed = runs[0]
            try check(missed.status == .missed && missed.scheduledAt == Fixture.at(300) && missed.owner == nil
                      && missed.finishedAt == Fixture.at(1000) && missed.error?.contains("misfire policy skip") == true,
                      "recorded missed, over and unowned, with the reason: \(missed)")
            try check(try await store.run(id: missed.id) == missed, "stored as returned")
            let state = try await store.state(scheduleID: s.id)
            try check(state?.nextFireAt == Fixture.at(1200) && state?.lastStatus == .missed,
                      "the next fire is the first future one: \(String(describing: state))")
            let events = try await store.events(after: cursor, limit: 10).map(\.event)
            try check(events.contains(Event(kind: .runFinished, entityID: missed.id, at: Fixture.at(1000)))
                      && events.contains(Event(kind: .scheduleStateChanged, entityID: s.id, at: Fixture.at(1000))),
                      "the missed run and the moved next fire are in the feed: \(events)")
            // Without a clock to judge by, a late fire is recorded to run.
            let t = try await store.createSchedule(Fixture.schedule("undecided"), author: "a")
            let plain = try await store.claimDue(now: Fixture.at(1000), limit: 10, owner: "w1", start: true)
            try check(plain.contains { $0.scheduleID == t.id && $0.status == .held }, "held: \(plain)")
        },
        ConformanceCase("claimDeciding_runOnceCatchesUpOnce_andExclusionsAreSkipped") { store in
            let catchUp = try await store.createSchedule(
                Fixture.schedule("catch-up", policies: Policies(misfire: .runOnce)), author: "a")
            let runs = try await store.claimDue(now: Fixture.at(1000), limit: 10, owner: "w1", start: true, deciding: Fixture.at(1000))
            try check(runs.count == 1 && runs[0].status == .held && runs[0].owner == "w1", "one catch-up run, held: \(runs)")
            try check(try await store.state(scheduleID: catchUp.id)?.nextFireAt == Fixture.at(1200), "then the future")
            try await store.setPaused(scheduleID: catchUp.id, reason: "done")
            let excluded = try await store.createSchedule(
                Fixture.schedule("quiet", policies: Policies(exclusions: ["*/10 * * * *"])), author: "a")
            let first = try await store.claimDue(now: Fixture.at(300), limit: 10, owner: "w1", start: true, deciding: Fixture.at(300))
            try check(first.count == 1 && first[0].status == .held, "minute 5 is not excluded: \(first)")
            let second = try await store.claimDue(now: Fixture.at(600), limit: 10, owner: "w1", start: true, deciding: Fixture.at(600))
            try check(second.count == 1 && second[0].status == .skipped && second[0].error == "excluded by policies.exclusions"
                      && second[0].owner == nil, "minute 10 is skipped in the claim: \(second)")
            try check(try await store.state(scheduleID: excluded.id)?.nextFireAt == Fixture.at(900), "the schedule goes on")
        },
        ConformanceCase("claim_editBetweenClaimAheadAndFire_neverPointsBackAtTheClaimedInstant") { store in
            // The store's clock is the real one here: the schedule lives in the real future.
            let created = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
            var hourly = Fixture.schedule("hourly", rule: "every 1h")
            hourly.createdAt = created
            hourly.updatedAt = created
            let s = try await store.createSchedule(hourly, author: "a")
            let other = try await store.createSchedule(Fixture.schedule("other"), author: "a")
            let claimed = created.addingTimeInterval(3600)
            let ahead = try await store.claimDue(now: claimed, limit: 10, owner: "w1", start: true)
            try check(ahead.contains { $0.scheduleID == s.id && $0.scheduledAt == claimed }, "the fire is claimed ahead: \(ahead)")
            // A timing edit now, before that fire: every 30 minutes from the same anchor.
            let edited = try await store.updateSchedule(s.revised(at: Date()) { $0.timing.rule = "every 30m" }, author: "a")
            let state = try await store.state(scheduleID: edited.id)
            try check((state?.nextFireAt).map { $0 > claimed } == true,
                      "the next fire comes after the claimed instant \(claimed), got \(String(describing: state?.nextFireAt))")
            // Claiming goes on for every schedule.
            let later = try await store.claimDue(now: created.addingTimeInterval(3 * 3600), limit: 10, owner: "w1")
            try check(later.contains { $0.scheduleID == s.id } && later.contains { $0.scheduleID == other.id },
                      "both schedules claim again: \(later)")
        },
        ConformanceCase("claim_aFireThatHasItsRunAlready_isPassedOver_andTheBatchGoesOn") { store in
            let a = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            let b = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            // A run at a's next instant exists already (written by another path).
            _ = try await store.insertRun(Fixture.run(a.id, at: 300, trigger: .schedule))
            let runs = try await store.claimDue(now: Fixture.at(300), limit: 10, owner: "w1")
            try check(runs.map(\.scheduleID) == [b.id], "b is claimed, a is passed over: \(runs)")
            try check(try await store.state(scheduleID: a.id)?.nextFireAt == Fixture.at(600), "a moves on past the taken instant")
            try check(try await store.runs(scheduleID: a.id, limit: 10).count == 1, "a keeps its one run")
        },
        ConformanceCase("claim_dueSchedules_claimsOnceAndAdvances") { store in
            let a = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            let b = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("off", enabled: false), author: "a")
            let fire = Fixture.at(300)
            try check(try await store.claimDue(now: fire.addingTimeInterval(-1), limit: 10, owner: "w1").isEmpty,
                      "nothing is due before the fire")
            let first = try await store.claimDue(now: fire, limit: 1, owner: "w1")
            try check(first.count == 1, "the limit holds, got \(first.count)")
            let rest = try await store.claimDue(now: fire, limit: 10, owner: "w1")
            let runs = first + rest
            try check(Set(runs.map(\.scheduleID)) == [a.id, b.id], "both enabled schedules claimed, not the disabled one")
            try check(runs.allSatisfy { $0.scheduledAt == fire && $0.status == .queued && $0.attempt == 1 && $0.owner == "w1" },
                      "queued runs at the fire, attempt 1, owner w1: \(runs)")
            for run in runs {
                try check(try await store.run(id: run.id) == run, "run \(run.id) reads back equal")
            }
            let state = try await store.state(scheduleID: a.id)
            try check(state?.nextFireAt == Fixture.at(600) && state?.lastFireAt == fire && state?.fireCount == 1,
                      "advanced to t0+600 with one fire, got \(String(describing: state))")
            try check(try await store.claimDue(now: fire, limit: 10, owner: "w2").isEmpty, "a fire is claimed once")
            // Late claimers take the earliest fire first, one fire per schedule per claim.
            let late = try await store.claimDue(now: Fixture.at(1200), limit: 10, owner: "w2")
            try check(late.map(\.scheduledAt) == [Fixture.at(600), Fixture.at(600)], "one fire each, the earliest: \(late)")
            try check(try await store.claimDue(now: Fixture.at(1200), limit: 0, owner: "w2").isEmpty, "limit 0 claims nothing")
        },
        ConformanceCase("claim_withStart_recordsHeldRunsUnderTheLease_startedOnlyByTheirOwner") { store in
            let s = try await store.createSchedule(Fixture.schedule("started"), author: "a")
            let fire = Fixture.at(300)
            let runs = try await store.claimDue(now: fire, limit: 10, owner: "w1", start: true)
            try check(runs.count == 1, "one run claimed")
            var run = runs[0]
            try check(run.status == .held && run.owner == "w1" && run.startedAt == nil && run.heartbeatAt == fire,
                      "held by w1 since the claim, not started: \(run)")
            try check(try await store.startHeld(ids: [run.id], owner: "w2", at: fire).isEmpty, "another process cannot start it")
            try check(try await store.startHeld(ids: [run.id], owner: "w1", at: fire) == [run.id], "its owner starts it")
            try check(try await store.startHeld(ids: [run.id], owner: "w1", at: fire) == [run.id],
                      "a start its owner repeats (the first one's outcome unknown) is confirmed again")
            try check(try await store.startHeld(ids: [run.id], owner: "w2", at: fire).isEmpty, "and still not another's")
            run.status = .running
            run.startedAt = fire
            try check(try await store.run(id: run.id) == run, "reads back equal")
            try check(try await store.state(scheduleID: s.id)?.nextFireAt == Fixture.at(600), "advanced")
            try await checkThrows(.leaseLost(runID: run.id)) {
                try await store.startRun(id: run.id, owner: "w2", at: fire)
            }
            try await checkThrows(.leaseLost(runID: run.id)) {
                _ = try await store.finishRun(id: run.id, owner: "w2", status: .succeeded, at: fire, output: nil, error: nil)
            }
            try await store.heartbeat(runID: run.id, owner: "w1", at: fire.addingTimeInterval(5))
            let done = try await store.finishRun(id: run.id, owner: "w1", status: .succeeded, at: fire.addingTimeInterval(9),
                                                 output: "ok", error: nil)
            try check(done.status == .succeeded && done.finishedAt == fire.addingTimeInterval(9), "finished by its owner")
        },
        ConformanceCase("claim_uniqueKey_refusesDuplicateRuns") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let claimed = try await store.claimDue(now: Fixture.at(300), limit: 10, owner: "w1")
            try check(claimed.count == 1, "one run claimed")
            let again = Fixture.run(s.id, at: 300)
            try await checkThrows(.duplicateRun(scheduleID: s.id, scheduledAt: Fixture.at(300), attempt: 1, itemKey: nil)) {
                try await store.insertRun(again)
            }
            try check(try await store.run(id: again.id) == nil, "the duplicate was not written")
            let retry = try await store.insertRun(Fixture.run(s.id, at: 300, attempt: 2, trigger: .retry))
            try check(retry.attempt == 2 && retry.trigger == .retry, "a retry is another attempt: \(retry)")
            _ = try await store.insertRun(Fixture.run(s.id, at: 300, itemKey: "issue-1"))
            _ = try await store.insertRun(Fixture.run(s.id, at: 300, itemKey: "issue-2"))
            try await checkThrows(.duplicateRun(scheduleID: s.id, scheduledAt: Fixture.at(300), attempt: 1, itemKey: "issue-1")) {
                try await store.insertRun(Fixture.run(s.id, at: 300, itemKey: "issue-1"))
            }
            try check(try await store.runs(scheduleID: s.id, limit: 100).count == 4, "four distinct runs")
            try await checkThrows(.scheduleNotFound("sch_missing")) { try await store.insertRun(Fixture.run("sch_missing", at: 0)) }
        },
        ConformanceCase("claim_fourConcurrentClaimers_claimEachFireExactlyOnce") { store in
            let total = 500
            for i in 0..<total { _ = try await store.createSchedule(Fixture.schedule("s\(i)"), author: "a") }
            let now = Fixture.at(300)
            let all = try await withThrowingTaskGroup(of: [Run].self) { group in
                for n in 0..<4 {
                    group.addTask {
                        var mine: [Run] = []
                        while true {
                            let batch = try await store.claimDue(now: now, limit: 7, owner: "w\(n)")
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                var out: [Run] = []
                for try await runs in group { out += runs }
                return out
            }
            try check(all.count == total, "\(total) runs claimed, got \(all.count)")
            try check(Set(all.map(\.scheduleID)).count == total, "every schedule claimed exactly once")
            try check(Set(all.map(\.id)).count == total, "run ids are unique")
            try check(try await store.claimDue(now: now, limit: 1000, owner: "late").isEmpty, "nothing left to claim")
            let states = try await store.states()
            try check(states.count == total && states.allSatisfy { $0.fireCount == 1 && $0.nextFireAt == Fixture.at(600) },
                      "every schedule advanced once")
            try check(try await store.activeRuns(scheduleID: nil).count == total, "every run is recorded")
        },
    ]
}
