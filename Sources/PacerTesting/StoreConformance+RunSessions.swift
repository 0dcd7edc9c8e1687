import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let runSessionCases: [ConformanceCase] = [
        ConformanceCase("run_sessionLink_setAndFinishNeverClear") { store in
            _ = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            _ = try await store.createSchedule(Fixture.schedule("c"), author: "a")
            let runs = try await store.claimDue(now: Fixture.at(300), limit: 3, owner: "w1", start: true)
            try check(runs.count == 3, "three held runs")
            _ = try await store.startHeld(ids: runs.map(\.id), owner: "w1", at: Fixture.at(300))
            try await store.setRunSession(runID: runs[0].id, sessionID: "ses_early")
            try check(try await store.run(id: runs[0].id)?.sessionID == "ses_early", "linked as soon as the session exists")
            try check(try await store.run(id: runs[0].id)?.status == .running, "and nothing else changed")
            try await checkThrows(.runNotFound("run_missing")) {
                try await store.setRunSession(runID: "run_missing", sessionID: "ses_x")
            }
            let results = await store.finishRuns([
                RunFinish(id: runs[0].id, status: .succeeded, at: Fixture.at(310)),
                RunFinish(id: runs[1].id, status: .succeeded, at: Fixture.at(310), sessionID: "ses_at_finish"),
                RunFinish(id: runs[2].id, status: .failed, at: Fixture.at(310), error: "boom"),
            ], owner: "w1")
            try check(results.allSatisfy { $0 == nil }, "all finished: \(results)")
            try check(try await store.run(id: runs[0].id)?.sessionID == "ses_early", "a finish without a session keeps the link")
            try check(try await store.run(id: runs[1].id)?.sessionID == "ses_at_finish", "a finish with a session links it")
            try check(try await store.run(id: runs[2].id)?.sessionID == nil, "no session, no link")
            // A finish that replaces a link, and a link set after the finish.
            let d = try await store.createSchedule(Fixture.schedule("d"), author: "a")
            let next = try await store.insertRun(Fixture.run(d.id, at: 600))
            _ = try await store.startRun(id: next.id, owner: "w2", at: Fixture.at(600))
            try await store.setRunSession(runID: next.id, sessionID: "ses_first")
            let lost = await store.finishRuns([RunFinish(id: next.id, status: .failed, at: Fixture.at(601), sessionID: "ses_x")],
                                              owner: "w1")
            try check(lost.count == 1 && lost[0] != nil, "another owner's finish fails: \(lost)")
            try check(try await store.run(id: next.id)?.sessionID == "ses_first", "and links nothing")
            _ = await store.finishRuns([RunFinish(id: next.id, status: .failed, at: Fixture.at(602), sessionID: "ses_second")],
                                       owner: "w2")
            try check(try await store.run(id: next.id)?.sessionID == "ses_second", "the finishing session is linked")
            try await store.setRunSession(runID: next.id, sessionID: "ses_third")
            try check(try await store.run(id: next.id)?.sessionID == "ses_third", "a finished run can be linked too")
        },
        ConformanceCase("abandonExpiredRuns_activeSession_endsInErrorWithEvent") { store in
            let sch = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            func session(_ state: Session.State, at seconds: Double) async throws -> Session {
                let s = try await store.createSession(Fixture.session(scheduleID: sch.id, at: seconds))
                if state == .pending { return s }
                return try await store.updateSession(id: s.id, state: state, resumeAt: state == .waiting ? Fixture.at(9000) : nil,
                                                     resumePrompt: nil, recurrence: nil, at: Fixture.at(seconds))
            }
            func running(at seconds: Double, session: Session?, linkLater: Bool = false) async throws -> Run {
                var run = Fixture.run(sch.id, at: seconds)
                if !linkLater { run.sessionID = session?.id }
                run = try await store.insertRun(run)
                run = try await store.startRun(id: run.id, owner: "w1", at: Fixture.at(seconds))
                if linkLater, let session { try await store.setRunSession(runID: run.id, sessionID: session.id) }
                return run
            }
            let runningSession = try await session(.running, at: 0)
            let pendingSession = try await session(.pending, at: 1)
            let waitingSession = try await session(.waiting, at: 2)
            let doneSession = try await session(.done, at: 3)
            let liveSession = try await session(.running, at: 4)
            let r1 = try await running(at: 100, session: runningSession)
            let r2 = try await running(at: 101, session: pendingSession, linkLater: true)
            let r3 = try await running(at: 102, session: waitingSession)
            let r4 = try await running(at: 103, session: doneSession)
            let r5 = try await running(at: 104, session: nil)
            let r6 = try await running(at: 105, session: liveSession)
            try await store.heartbeat(runID: r6.id, owner: "w1", at: Fixture.at(500))
            let cursor = try await store.lastEventSequence()
            let abandoned = try await store.abandonExpiredRuns(now: Fixture.at(520), leaseTimeout: 60)
            try check(abandoned.map(\.id) == [r1.id, r2.id, r3.id, r4.id, r5.id], "five leases expired: \(abandoned.map(\.id))")
            for (s, run) in [(runningSession, r1), (pendingSession, r2)] {
                let after = try await store.session(id: s.id)
                try check(after?.state == .error && after?.updatedAt == Fixture.at(520), "ended in error: \(String(describing: after))")
                let event = after?.events.last
                try check(event?.kind == "abandoned" && event?.at == Fixture.at(520)
                          && event?.detail == ["run_id": .string(run.id), "reason": "the process running it stopped"],
                          "an abandoned event names the run: \(String(describing: event))")
                try check(after?.messages == s.messages && after?.events.count == s.events.count + 1, "nothing else changed")
            }
            try check(try await store.session(id: waitingSession.id) == waitingSession, "a waiting session is left alone")
            try check(try await store.session(id: doneSession.id) == doneSession, "a finished session is left alone")
            try check(try await store.session(id: liveSession.id) == liveSession, "a live run's session is left alone")
            let changed = try await store.events(after: cursor, limit: 100).map(\.event).filter { $0.kind == .sessionChanged }
            try check(Set(changed.map(\.entityID)) == [runningSession.id, pendingSession.id],
                      "the two session changes are in the feed: \(changed)")
            try check(try await store.abandonExpiredRuns(now: Fixture.at(520), leaseTimeout: 60).isEmpty, "abandoned once")
        },
    ]
}
