import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    /// A session of `scheduleID` waiting to resume at `t0 + resumeAt` with the prompt "continue".
    static func waitingSession(_ store: any Store, scheduleID: String?, itemKey: String? = nil, createdAt: Double = 0,
                               resumeAt: Double) async throws -> Session {
        let s = try await store.createSession(Fixture.session(scheduleID: scheduleID, itemKey: itemKey, at: createdAt))
        return try await store.updateSession(id: s.id, state: .waiting, resumeAt: Fixture.at(resumeAt),
                                             resumePrompt: "continue", recurrence: nil, at: Fixture.at(createdAt))
    }

    /// Milliseconds since 1970: instants compared as the stores keep them.
    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static let wakeCases: [ConformanceCase] = [
        ConformanceCase("wakeSessions_dueSession_queuesOneResumeRunAndPends") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            let due = try await waitingSession(store, scheduleID: sch.id, itemKey: "issue-1", resumeAt: 600)
            let later = try await waitingSession(store, scheduleID: sch.id, createdAt: 1, resumeAt: 3600)
            let cursor = try await store.lastEventSequence()
            try check(try await store.wakeSessions(now: Fixture.at(599), limit: 10).isEmpty, "nobody is due yet")
            let runs = try await store.wakeSessions(now: Fixture.at(900), limit: 10)
            try check(runs.count == 1, "one run for the one due session: \(runs)")
            let run = runs[0]
            try check(run.scheduleID == sch.id && run.scheduledAt == Fixture.at(600) && run.firesAt == Fixture.at(600)
                      && run.attempt == 1 && run.status == .queued && run.trigger == .resume && run.itemKey == "issue-1"
                      && run.sessionID == due.id && run.owner == nil && run.startedAt == nil,
                      "a queued resume run at the session's resume_at: \(run)")
            try check(run.id.hasPrefix("run_") && run.id != due.id, "a new run id: \(run.id)")
            try check(try await store.run(id: run.id) == run, "the returned run is the stored one")
            try check(try await store.activeRuns(scheduleID: sch.id).map(\.id) == [run.id], "the run is active")
            let woken = try await store.session(id: due.id)
            try check(woken?.state == .pending && woken?.updatedAt == Fixture.at(900), "the session is pending: \(String(describing: woken))")
            try check(woken?.resumePrompt == "continue" && woken?.resumeAt == Fixture.at(600),
                      "the resume prompt is kept for the run")
            try check(try await store.session(id: later.id) == later, "a session not yet due is untouched")
            try check(try await store.nextSessionWakeUp() == Fixture.at(3600), "the next wake-up is the later session")
            let events = try await store.events(after: cursor, limit: 100).map(\.event)
            try check(events.contains(Event(kind: .sessionChanged, entityID: due.id, at: Fixture.at(900)))
                      && events.contains(Event(kind: .runQueued, entityID: run.id, at: Fixture.at(900))),
                      "the session change and the run are in the feed: \(events)")
            try check(try await store.wakeSessions(now: Fixture.at(900), limit: 10).isEmpty, "a second call wakes nothing")
            try check(try await store.wakeSessions(now: Fixture.at(0), limit: 0).isEmpty, "a zero limit wakes nothing")
        },
        ConformanceCase("wakeSessions_pausedOrDisabledSchedule_holdsItsSessionsUntilResumed") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            let held = try await waitingSession(store, scheduleID: sch.id, resumeAt: 600)
            try await store.setPaused(scheduleID: sch.id, reason: "holiday")
            try check(try await store.wakeSessions(now: Fixture.at(900), limit: 10).isEmpty, "a paused schedule's session is held")
            try check(try await store.nextSessionWakeUp() == nil, "a held session is no wake-up (no busy loop)")
            try check(try await store.session(id: held.id)?.state == .waiting, "it keeps waiting")
            try await store.setPaused(scheduleID: sch.id, reason: nil)
            try check(try await store.nextSessionWakeUp() == Fixture.at(600), "resumed: due again")
            var disabled = try await store.schedule(id: sch.id)!
            disabled.enabled = false
            disabled = try await store.updateSchedule(disabled, author: "a")
            try check(try await store.wakeSessions(now: Fixture.at(900), limit: 10).isEmpty, "a disabled schedule's session is held")
            disabled.enabled = true
            _ = try await store.updateSchedule(disabled, author: "a")
            let runs = try await store.wakeSessions(now: Fixture.at(900), limit: 10)
            try check(runs.map(\.sessionID) == [held.id], "enabled again: it wakes at once: \(runs)")
        },
        ConformanceCase("wakeSessions_limit_earliestResumeFirstThenID") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            // Created in one order, due in another; two share a resume instant (then by id).
            let c = try await waitingSession(store, scheduleID: sch.id, itemKey: "c", createdAt: 0, resumeAt: 900)
            let a = try await waitingSession(store, scheduleID: sch.id, itemKey: "a", createdAt: 1, resumeAt: 600)
            let b1 = try await waitingSession(store, scheduleID: sch.id, itemKey: "b1", createdAt: 2, resumeAt: 700)
            let b2 = try await waitingSession(store, scheduleID: sch.id, itemKey: "b2", createdAt: 3, resumeAt: 700)
            let d = try await waitingSession(store, scheduleID: sch.id, itemKey: "d", createdAt: 4, resumeAt: 5000)
            try check(b1.id < b2.id, "ids follow creation")
            let first = try await store.wakeSessions(now: Fixture.at(1000), limit: 2)
            try check(first.map(\.sessionID) == [a.id, b1.id], "the two earliest: \(first.map(\.sessionID))")
            try check(try await store.session(id: b2.id)?.state == .waiting, "beyond the limit stays waiting")
            let rest = try await store.wakeSessions(now: Fixture.at(1000), limit: 10)
            try check(rest.map(\.sessionID) == [b2.id, c.id], "then the others due, in order: \(rest.map(\.sessionID))")
            try check(rest.map(\.itemKey) == ["b2", "c"], "each run carries its session's item key")
            try check(try await store.session(id: d.id)?.state == .waiting, "a session not yet due stays waiting")
        },
        ConformanceCase("wakeSessions_keyTaken_movesOnByOneMillisecond") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            // The fire at t0+600 and the millisecond after it are taken by runs already.
            _ = try await store.insertRun(Fixture.run(sch.id, at: 600))
            _ = try await store.insertRun(Fixture.run(sch.id, at: 600.001))
            _ = try await store.insertRun(Fixture.run(sch.id, at: 600.003))
            _ = try await store.insertRun(Fixture.run(sch.id, at: 600.004, attempt: 2))
            let first = try await waitingSession(store, scheduleID: sch.id, createdAt: 0, resumeAt: 600)
            let second = try await waitingSession(store, scheduleID: sch.id, createdAt: 1, resumeAt: 600)
            let otherItem = try await waitingSession(store, scheduleID: sch.id, itemKey: "x", createdAt: 2, resumeAt: 600)
            let runs = try await store.wakeSessions(now: Fixture.at(900), limit: 10)
            try check(runs.map(\.sessionID) == [first.id, second.id, otherItem.id], "all three woken in order")
            let offsets = runs.map { ms($0.scheduledAt) - ms(Fixture.at(600)) }
            try check(offsets == [2, 4, 0], "past the taken keys, 1 ms at a time (attempt 2 is another key): \(offsets)")
            try check(runs.allSatisfy { $0.firesAt == $0.scheduledAt }, "due when scheduled")
            for run in runs {
                try check(try await store.run(id: run.id) == run, "stored as returned: \(run)")
            }
        },
        ConformanceCase("wakeSessions_noLiveSchedule_cancelsWithoutARun") { store in
            let sch = try await store.createSchedule(Fixture.schedule("short-lived"), author: "a")
            let orphan = try await waitingSession(store, scheduleID: nil, createdAt: 0, resumeAt: 600)
            let ofDeleted = try await waitingSession(store, scheduleID: sch.id, createdAt: 1, resumeAt: 601)
            try await store.deleteSchedule(id: sch.id)
            let cursor = try await store.lastEventSequence()
            let runs = try await store.wakeSessions(now: Fixture.at(900), limit: 10)
            try check(runs.isEmpty, "no run without a schedule: \(runs)")
            for id in [orphan.id, ofDeleted.id] {
                let s = try await store.session(id: id)
                try check(s?.state == .cancelled && s?.updatedAt == Fixture.at(900), "cancelled: \(String(describing: s))")
                try check(s?.events.last?.kind == .stateChanged && s?.events.last?.detail["to"] == "cancelled"
                          && s?.events.last?.detail["reason"] != nil, "with the reason: \(String(describing: s?.events))")
            }
            let events = try await store.events(after: cursor, limit: 100).map(\.event)
            try check(Set(events.filter { $0.kind == .sessionChanged }.map(\.entityID)) == [orphan.id, ofDeleted.id],
                      "both changes are in the feed: \(events)")
            try check(try await store.wakeSessions(now: Fixture.at(900), limit: 10).isEmpty, "and they stay cancelled")
        },
        ConformanceCase("wakeSessions_concurrentCallers_wakeEachOnce") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            var ids: [String] = []
            for i in 0..<12 {
                ids.append(try await waitingSession(store, scheduleID: sch.id, createdAt: Double(i), resumeAt: 600).id)
            }
            let runs = try await withThrowingTaskGroup(of: [Run].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        var mine: [Run] = []
                        while true {
                            let batch = try await store.wakeSessions(now: Fixture.at(900), limit: 4)
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                return try await group.reduce(into: [Run]()) { $0 += $1 }
            }
            try check(runs.count == 12 && Set(runs.compactMap(\.sessionID)) == Set(ids), "each session woken once: \(runs.count)")
            let offsets = Set(runs.map { ms($0.scheduledAt) - ms(Fixture.at(600)) })
            try check(offsets == Set(0..<12), "one instant each, 1 ms apart: \(offsets.sorted())")
            try check(try await store.activeRuns(scheduleID: sch.id).count == 12, "twelve runs stored")
        },
    ]
}
