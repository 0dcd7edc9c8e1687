import Foundation
import PacerCore
import PacerStore
import Synchronization

extension StoreConformance {
    /// A session of `scheduleID` waiting to resume at `t0 + resumeAt` with the prompt "continue".
    static func waitingSession(_ store: any Store, scheduleID: String?, itemKey: String? = nil, createdAt: Double = 0,
                               resumeAt: Double) async throws -> Session {
        let s = try await store.createSession(Fixture.session(scheduleID: scheduleID, itemKey: itemKey, at: createdAt))
        return try await store.updateSession(id: s.id, state: .waiting, resumeAt: Fixture.at(resumeAt),
                                             resumePrompt: "continue", recurrence: nil, at: Fixture.at(createdAt))
    }

    /// A schedule and its first fire, started by `owner`.
    static func startedRun(_ store: any Store, _ name: String, owner: String = "w1",
                           policies: Policies = Policies()) async throws -> (Schedule, Run) {
        let s = try await store.createSchedule(Fixture.schedule(name, policies: policies), author: "a")
        let runs = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: owner, start: true)
        try check(runs.count == 1, "one fire claimed")
        try check(try await store.startHeld(ids: [runs[0].id], owner: owner, at: Fixture.at(300)) == [runs[0].id], "started")
        return (s, try await store.run(id: runs[0].id)!)
    }

    static let continuationCases: [ConformanceCase] = [
        ConformanceCase("finish_withContinuation_queuesTheNextStepWithItsState_fencedByTheLease") { store in
            let (s, run) = try await startedRun(store, "monitor")
            let state: JSONValue = ["checks": 1, "last": "503"]
            let next = run.followUp(id: "run_step_one", at: Fixture.at(330), trigger: .continuation, state: state)
            let stolen = run.followUp(id: "run_stolen", at: Fixture.at(330), trigger: .continuation, state: nil)
            let refused = await store.finishRuns([RunFinish(id: run.id, status: .succeeded, at: Fixture.at(301), next: stolen)],
                                                 owner: "w2")
            try check(refused.count == 1 && refused[0] != nil, "another owner cannot finish it")
            try check(try await store.run(id: "run_stolen") == nil, "nor queue its next step")
            let done = await store.finishRuns([RunFinish(id: run.id, status: .succeeded, at: Fixture.at(301), next: next)],
                                              owner: "w1")
            try check(done.count == 1 && done[0] == nil, "finished: \(done)")
            let stored = try await store.run(id: "run_step_one")
            try check(stored?.status == .queued && stored?.step == 1 && stored?.attempt == 1 && stored?.trigger == .continuation
                      && stored?.scheduledAt == run.scheduledAt && stored?.firesAt == Fixture.at(330) && stored?.owner == nil,
                      "the next step is queued for the same fire: \(String(describing: stored))")
            try check(stored?.state == state, "with its state: \(String(describing: stored?.state))")
            try check(stored?.idempotencyKey == run.idempotencyKey, "the same fire, the same idempotency key")
            // The next step of the next step, and a retry of step 1, coexist under the unique key.
            let started = try await store.startRun(id: "run_step_one", owner: "w1", at: Fixture.at(330))
            let retry = started.followUp(id: "run_step_one_retry", at: Fixture.at(360), trigger: .retry)
            _ = await store.finishRuns([RunFinish(id: started.id, status: .failed, at: Fixture.at(331), next: retry)], owner: "w1")
            let again = try await store.run(id: "run_step_one_retry")
            try check(again?.step == 1 && again?.attempt == 2 && again?.state == state, "a retry repeats its step with its state")
            let history = try await store.runs(scheduleID: s.id, limit: 10).map { "\($0.step).\($0.attempt)" }
            try check(history == ["1.2", "1.1", "0.1"], "the fire's history lists its steps and attempts together: \(history)")
        },
        ConformanceCase("sessionContinuation_followsTheSessionsResumeAt_andEndsWithIt") { store in
            let (_, run) = try await startedRun(store, "agent-loop")
            let session = try await waitingSession(store, scheduleID: run.scheduleID, resumeAt: 600)
            var next = run.followUp(id: "run_wake", at: Fixture.at(500), trigger: .resume)
            next.sessionID = session.id
            _ = await store.finishRuns([RunFinish(id: run.id, status: .succeeded, at: Fixture.at(301), next: next,
                                                  sessionID: session.id)], owner: "w1")
            let queued = try await store.run(id: "run_wake")
            try check(queued?.status == .queued && queued?.trigger == .resume && queued?.sessionID == session.id
                      && queued?.step == 1 && queued?.firesAt == Fixture.at(600),
                      "the wake-up is the fire's next step, due at the session's resume_at: \(String(describing: queued))")
            let cursor = try await store.lastEventSequence()
            _ = try await store.updateSession(id: session.id, state: .waiting, resumeAt: Fixture.at(900), resumePrompt: "later",
                                              recurrence: nil, at: Fixture.at(302))
            try check(try await store.run(id: "run_wake")?.firesAt == Fixture.at(900), "deferring the session moves its wake-up")
            let events = try await store.events(after: cursor, limit: 10).map(\.event)
            try check(events.contains(Event(kind: .runQueued, entityID: "run_wake", at: Fixture.at(302))),
                      "engines are told the wake-up moved: \(events)")
            _ = try await store.updateSession(id: session.id, state: .cancelled, resumeAt: nil, resumePrompt: nil,
                                              recurrence: nil, at: Fixture.at(303))
            let cancelled = try await store.run(id: "run_wake")
            try check(cancelled?.status == .cancelled && cancelled?.finishedAt == Fixture.at(303),
                      "cancelling the session cancels its wake-up: \(String(describing: cancelled))")
        },
        ConformanceCase("sessionContinuation_ofASessionNoLongerWaiting_isNotQueued") { store in
            let (_, run) = try await startedRun(store, "agent-loop")
            let session = try await waitingSession(store, scheduleID: run.scheduleID, resumeAt: 600)
            _ = try await store.updateSession(id: session.id, state: .cancelled, resumeAt: nil, resumePrompt: nil,
                                              recurrence: nil, at: Fixture.at(300))
            var next = run.followUp(id: "run_wake", at: Fixture.at(600), trigger: .resume)
            next.sessionID = session.id
            let results = await store.finishRuns([RunFinish(id: run.id, status: .succeeded, at: Fixture.at(301), next: next)],
                                                 owner: "w1")
            try check(results.count == 1 && results[0] == nil, "the run finishes")
            try check(try await store.run(id: "run_wake") == nil, "a cancelled session gets no wake-up")
        },
        ConformanceCase("deleteSchedule_cancelsItsWaitingSessions") { store in
            let s = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            let waiting = try await waitingSession(store, scheduleID: s.id, resumeAt: 600)
            let other = try await waitingSession(store, scheduleID: nil, createdAt: 1, resumeAt: 600)
            try check(try await store.deleteSchedule(id: s.id), "deleted")
            let ended = try await store.session(id: waiting.id)
            try check(ended?.state == .cancelled && ended?.events.last?.kind == .stateChanged,
                      "its waiting session is cancelled, with the reason: \(String(describing: ended?.events.last))")
            try check(try await store.session(id: other.id)?.state == .waiting, "another session is left alone")
        },
        ConformanceCase("cancelFire_endsEveryUnfinishedRunOfTheChain_andItsSession") { store in
            let (s, run) = try await startedRun(store, "agent-loop")
            let session = try await waitingSession(store, scheduleID: s.id, resumeAt: 900)
            var wake = run.followUp(id: "run_wake", at: Fixture.at(900), trigger: .resume)
            wake.sessionID = session.id
            _ = await store.finishRuns([RunFinish(id: run.id, status: .succeeded, at: Fixture.at(301), next: wake,
                                                  sessionID: session.id)], owner: "w1")
            let other = try await store.claimDue(now: Fixture.at(600), limit: 1, owner: "w1", start: true)
            try check(other.count == 1 && other[0].scheduledAt == Fixture.at(600), "the schedule's next fire")
            let fire = try await store.fireRuns(of: "run_wake")
            try check(fire.map(\.id) == [run.id, "run_wake"], "the fire's runs, in step order: \(fire.map(\.id))")
            let cursor = try await store.lastEventSequence()
            let after = try await store.cancelFire(of: run.id, reason: "cancelled by ada", at: Fixture.at(400))
            try check(after.map(\.status) == [.succeeded, .cancelled], "the finished step stays, the queued one ends: \(after)")
            try check(after.last?.error == "cancelled by ada" && after.last?.finishedAt == Fixture.at(400), "with the reason")
            try check(try await store.session(id: session.id)?.state == .cancelled, "and its session ends")
            try check(try await store.run(id: other[0].id)?.status == .held, "another fire is left alone")
            let events = try await store.events(after: cursor, limit: 10).map(\.event)
            try check(events.contains(Event(kind: .runFinished, entityID: "run_wake", at: Fixture.at(400)))
                      && events.contains(Event(kind: .sessionChanged, entityID: session.id, at: Fixture.at(400))),
                      "engines and watchers are told: \(events)")
            do {
                _ = try await store.fireRuns(of: "run_missing")
                try check(false, "a missing run is an error")
            } catch StoreError.runNotFound {}
        },
        ConformanceCase("recover_wakesAWaitingSessionNothingWouldWake_andCancelsOneWhoseScheduleIsGone") { store in
            // The run deferred its session, then ended without queueing the wake-up (timed out
            // as it wrote the deferral).
            let (_, run) = try await startedRun(store, "agent-loop")
            let stranded = try await waitingSession(store, scheduleID: run.scheduleID, resumeAt: 900)
            _ = await store.finishRuns([RunFinish(id: run.id, status: .timedOut, at: Fixture.at(301), sessionID: stranded.id)],
                                       owner: "w1")
            let orphan = try await waitingSession(store, scheduleID: "sch_deleted_long_ago", createdAt: 1, resumeAt: 900)
            let loose = try await waitingSession(store, scheduleID: nil, createdAt: 2, resumeAt: 900)
            let recovery = try await store.recover(now: Fixture.at(400), leaseTimeout: 60, livenessTimeout: nil)
            try check(recovery.queued.count == 1, "one wake-up queued: \(recovery.queued)")
            let wake = recovery.queued.first
            try check(wake?.sessionID == stranded.id && wake?.trigger == .resume && wake?.step == 1
                      && wake?.scheduledAt == run.scheduledAt && wake?.firesAt == Fixture.at(900),
                      "after the fire's last step, at the session's resume_at: \(String(describing: wake))")
            try check(try await store.run(id: wake?.id ?? "") == wake, "stored")
            try check(try await store.session(id: orphan.id)?.state == .cancelled, "a session whose schedule is gone is cancelled")
            try check(try await store.session(id: loose.id)?.state == .waiting, "a session no fire started is left alone")
            let again = try await store.recover(now: Fixture.at(401), leaseTimeout: 60, livenessTimeout: nil)
            try check(again.queued.isEmpty, "a session whose wake-up is queued is not woken twice: \(again.queued)")
        },
        ConformanceCase("session_anEndedSession_isNotRevivedByALateRun") { store in
            let s = try await store.createSession(Fixture.session())
            _ = try await store.updateSession(id: s.id, state: .error, resumeAt: nil, resumePrompt: nil, recurrence: nil,
                                              at: Fixture.at(1))
            let late = try await store.updateSession(id: s.id, state: .waiting, resumeAt: Fixture.at(600), resumePrompt: "again",
                                                     recurrence: nil, at: Fixture.at(2))
            try check(late.state == .error && late.resumeAt == nil, "an error session stays in error: \(late)")
            let cancelled = try await store.updateSession(id: s.id, state: .cancelled, resumeAt: nil, resumePrompt: nil,
                                                          recurrence: nil, at: Fixture.at(3))
            try check(cancelled.state == .cancelled, "it may still be cancelled")
        },
        ConformanceCase("recover_abandonedAgentRun_whoseSessionWasRunning_isRetried") { store in
            let policies = Policies(retry: RetryPolicy(maxAttempts: 2))
            let (_, run) = try await startedRun(store, "agent", owner: "dead", policies: policies)
            let s = try await store.createSession(Fixture.session(scheduleID: run.scheduleID))
            _ = try await store.updateSession(id: s.id, state: .running, resumeAt: nil, resumePrompt: nil, recurrence: nil,
                                              at: Fixture.at(300))
            try await store.setRunSession(runID: run.id, sessionID: s.id)
            let recovery = try await store.recover(now: Fixture.at(400), leaseTimeout: 60, livenessTimeout: nil) { run, policy in
                policy.maxAttempts > run.attempt ? run.followUp(id: "run_retry", at: Fixture.at(430), trigger: .retry) : nil
            }
            try check(recovery.abandoned.map(\.id) == [run.id], "abandoned")
            try check(try await store.session(id: s.id)?.state == .error, "its session ends in error")
            try check(recovery.queued.map(\.id) == ["run_retry"], "and the fire is retried: \(recovery.queued)")
        },
        ConformanceCase("recover_abandonedRun_queuesItsRetryWithTheMark_andAWaitingSessionsWakeUp") { store in
            let policies = Policies(retry: RetryPolicy(maxAttempts: 3))
            let (_, plain) = try await startedRun(store, "http", owner: "dead", policies: policies)
            let s2 = try await store.createSchedule(Fixture.schedule("agent-loop"), author: "a")
            let runs = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "dead", start: true)
            _ = try await store.startHeld(ids: runs.map(\.id), owner: "dead", at: Fixture.at(300))
            let session = try await waitingSession(store, scheduleID: s2.id, resumeAt: 900)
            try await store.setRunSession(runID: runs[0].id, sessionID: session.id)
            let seen = Mutex<[String]>([])
            let recovery = try await store.recover(now: Fixture.at(400), leaseTimeout: 60, livenessTimeout: nil) { run, policy in
                seen.withLock { $0.append(run.id) }
                return policy.maxAttempts > run.attempt
                    ? run.followUp(id: "run_retry_\(run.id)", at: Fixture.at(430), trigger: .retry) : nil
            }
            try check(Set(recovery.abandoned.map(\.id)) == [plain.id, runs[0].id], "both abandoned: \(recovery)")
            try check(seen.withLock { $0 } == [plain.id], "the retry rule is asked for the plain run")
            let retry = try await store.run(id: "run_retry_\(plain.id)")
            try check(retry?.status == .queued && retry?.attempt == 2 && retry?.trigger == .retry,
                      "its retry is queued with the mark: \(String(describing: retry))")
            let wake = try await store.activeRuns(scheduleID: s2.id)
            try check(wake.count == 1 && wake[0].trigger == .resume && wake[0].sessionID == session.id
                      && wake[0].firesAt == Fixture.at(900) && wake[0].step == 1,
                      "the waiting session's wake-up is queued, not lost: \(wake)")
            try check(try await store.session(id: session.id)?.state == .waiting, "and the session still waits")
        },
    ]
}
