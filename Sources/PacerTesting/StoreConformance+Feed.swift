import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let feedCases: [ConformanceCase] = [
        ConformanceCase("purge_deletesOldAndBeyondKeepLast_keepsActive") { store in
            let day = 86_400.0
            let cutoff = Fixture.at(day)
            let kept = try await store.createSchedule(Fixture.schedule("kept", policies: Policies(keepLast: 2)), author: "a")
            let plain = try await store.createSchedule(Fixture.schedule("plain"), author: "a")
            func finished(_ scheduleID: String, at seconds: Double, _ status: Run.Status = .succeeded) async throws -> Run {
                var run = Fixture.run(scheduleID, at: seconds, status: status)
                run.finishedAt = Fixture.at(seconds + 10)
                return try await store.insertRun(run)
            }
            let old = try await finished(kept.id, at: 3600)
            let recent = [try await finished(kept.id, at: 2 * day), try await finished(kept.id, at: 2 * day + 60, .failed),
                          try await finished(kept.id, at: 2 * day + 120), try await finished(kept.id, at: 2 * day + 180, .skipped)]
            let oldQueued = try await store.insertRun(Fixture.run(kept.id, at: 7200))
            let oldRunning = try await store.insertRun(Fixture.run(kept.id, at: 7300))
            _ = try await store.startRun(id: oldRunning.id, owner: "w", at: Fixture.at(7300))
            let plainOld = try await finished(plain.id, at: 3600, .failed)
            let plainRecent = try await finished(plain.id, at: 2 * day)

            func session(_ state: Session.State, at seconds: Double) async throws -> Session {
                var s = Fixture.session(at: seconds)
                s.state = state
                return try await store.createSession(s)
            }
            let oldDone = try await session(.done, at: 60)
            let oldError = try await session(.error, at: 60)
            let oldWaiting = try await session(.waiting, at: 60)
            let oldRunningSession = try await session(.running, at: 60)
            let oldPending = try await session(.pending, at: 60)
            let recentDone = try await session(.done, at: 2 * day)

            let counts = try await store.purge(before: cutoff)
            let keptRuns = Set(try await store.runs(scheduleID: kept.id, limit: 100).map(\.id))
            try check(keptRuns == [recent[2].id, recent[3].id, oldQueued.id, oldRunning.id],
                      "keep_last 2 finished runs plus the active ones; got \(keptRuns.count) runs")
            try check(try await store.run(id: old.id) == nil, "an old finished run is purged")
            try check(try await store.run(id: plainOld.id) == nil, "old runs of other schedules too")
            try check(try await store.run(id: plainRecent.id) != nil, "recent runs without keep_last stay")
            try check(counts.runs == 4, "four runs purged, got \(counts.runs)")
            for s in [oldDone, oldError] {
                try check(try await store.session(id: s.id) == nil, "an old \(s.state) session is purged")
            }
            for s in [oldWaiting, oldRunningSession, oldPending, recentDone] {
                try check(try await store.session(id: s.id) != nil, "a \(s.state) session created at \(s.createdAt) stays")
            }
            try check(counts.sessions == 2, "two sessions purged, got \(counts.sessions)")
            let events = try await store.events(after: 0, limit: 10_000)
            try check(events.allSatisfy { $0.event.at >= cutoff }, "no event older than the cutoff is left")
            let definition = try await store.schedule(id: kept.id)
            let revisions = try await store.revisions(scheduleID: kept.id)
            try check(definition != nil && revisions.count == 1, "definitions and revisions are not purged")
        },
        ConformanceCase("events_feed_recordsEveryWriteInOrder") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            _ = try await store.updateSchedule(s.revised(at: Fixture.at(60)) { $0.notes = "n" }, author: "a")
            let run = try await store.claimDue(now: Fixture.at(300), limit: 1, owner: "w")[0]
            _ = try await store.startRun(id: run.id, owner: "w", at: Fixture.at(301))
            _ = try await store.finishRun(id: run.id, owner: "w", status: .succeeded, at: Fixture.at(302), output: nil, error: nil)
            try await store.setPaused(scheduleID: s.id, reason: "by hand")
            let session = try await store.createSession(Fixture.session(scheduleID: s.id))
            let agent = try await store.saveAgent(Fixture.agent("writer"))
            let monitor = try await store.saveMonitor(Fixture.monitor("m"))
            let flow = try await store.saveWorkflow(Fixture.workflow("w"))
            try await store.deleteSchedule(id: s.id)
            let expected: [(Event.Kind, String)] = [
                (.scheduleCreated, s.id), (.scheduleUpdated, s.id), (.runQueued, run.id), (.runStarted, run.id),
                (.runFinished, run.id), (.scheduleStateChanged, s.id), (.sessionChanged, session.id),
                (.agentChanged, agent.id), (.monitorChanged, monitor.id), (.workflowChanged, flow.id), (.scheduleDeleted, s.id),
            ]
            let all = try await store.events(after: 0, limit: 1000)
            try check(zip(all, all.dropFirst()).allSatisfy { $0.sequence < $1.sequence }, "sequences increase")
            var rest = all[...]
            for (kind, id) in expected {
                guard let i = rest.firstIndex(where: { $0.event.kind == kind && $0.event.entityID == id }) else {
                    throw ConformanceFailure(message: "no \(kind.rawValue) event for \(id) in order; feed: "
                                             + all.map { "\($0.event.kind.rawValue):\($0.event.entityID)" }.joined(separator: ", "),
                                             location: "\(#fileID):\(#line)")
                }
                rest = all[(i + 1)...]
            }
            let page = try await store.events(after: all[1].sequence, limit: 2)
            try check(page == Array(all[2..<4]), "a cursor pages through the feed")
            try check(try await store.events(after: all.last!.sequence, limit: 10).isEmpty, "nothing after the last event")
        },
        ConformanceCase("changes_afterWrite_signalWithinThreeSeconds") { store in
            let stream = store.changes()
            let quiet = store.changes()
            _ = quiet  // a second subscriber does not steal the first one's signal
            _ = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let fired = try await within(seconds: 3) {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next() != nil
            }
            try check(fired == true, "changes() fired after a write")
            let firedToo = try await within(seconds: 3) {
                var iterator = quiet.makeAsyncIterator()
                return await iterator.next() != nil
            }
            try check(firedToo == true, "every subscriber is signalled")
        },
    ]
}
