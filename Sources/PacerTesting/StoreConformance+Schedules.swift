import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let scheduleCases: [ConformanceCase] = [
        ConformanceCase("schedule_pages_listEveryScheduleOnceInIDOrder") { store in
            var ids: [String] = []
            for i in 0..<7 { ids.append(try await store.createSchedule(Fixture.schedule("s\(i)"), author: "a").id) }
            var seen: [String] = []
            var after: String? = nil
            while true {
                let page = try await store.schedules(afterID: after, limit: 3)
                seen += page.map(\.id)
                guard page.count == 3 else { break }
                after = page.last?.id
            }
            try check(seen == ids.sorted(), "pages of 3 list all 7 in id order: \(seen)")
        },
        ConformanceCase("schedule_created_readsBackWithStateAndRevision") { store in
            let created = try await store.createSchedule(Fixture.schedule("digest"), author: "user:ada")
            try check(created.revision == 1, "revision 1, got \(created.revision)")
            try check(try await store.schedule(id: created.id) == created, "the schedule reads back equal")
            try check(try await store.schedule(name: "digest") == created, "and by its name")
            let otherCase = try await store.schedule(name: "Digest"), byID = try await store.schedule(name: created.id)
            try check(otherCase == nil && byID == nil, "names match exactly, and an id is no name")
            try check(try await store.schedules() == [created], "schedules() lists it")
            let state = try await store.state(scheduleID: created.id)
            try check(state?.nextFireAt == Fixture.at(300), "first fire t0+300, got \(String(describing: state))")
            try check(state?.fireCount == 0 && state?.pausedReason == nil, "fresh state, got \(String(describing: state))")
            try check(try await store.states().map(\.scheduleID) == [created.id], "states() lists it")
            let revisions = try await store.revisions(scheduleID: created.id)
            try check(revisions.map(\.revision) == [1] && revisions.first?.author == "user:ada",
                      "one revision by user:ada, got \(revisions)")
            try check(try await store.schedule(id: "sch_missing") == nil, "a missing schedule reads as nil")
            try check(try await store.state(scheduleID: "sch_missing") == nil, "a missing state reads as nil")
        },
        ConformanceCase("schedule_fingerprint_findsIdenticalSchedules_andFollowsUpdates") { store in
            let created = try await store.createSchedule(Fixture.schedule("digest"), author: "user:ada")
            try check(try await store.schedules(fingerprint: created.fingerprint) == [created], "found by its fingerprint")
            var twin = Fixture.schedule("twin")
            try check(try await store.identicalSchedule(to: twin) == created, "an identical definition finds it")
            twin.target = .command(CommandTarget(argv: ["false"]))
            try check(try await store.identicalSchedule(to: twin) == nil, "another target does not")
            let changed = try await store.updateSchedule(created.revised(at: Fixture.at(1)) { $0.target = twin.target }, author: "a")
            let before = try await store.schedules(fingerprint: created.fingerprint)
            let after = try await store.schedules(fingerprint: changed.fingerprint)
            try check(before.isEmpty && after == [changed], "an update moves its fingerprint")
        },
        ConformanceCase("schedule_invalid_writesNothingAndReportsEveryField") { store in
            var bad = Fixture.schedule("")
            bad.timing.rule = "not a rule"
            bad.timing.timezone = "Mars/Olympus"
            try await checkThrows("ValidationError with 3 fields", { try await store.createSchedule(bad, author: "a") }) {
                (($0 as? ValidationError)?.fields.count ?? 0) >= 3
            }
            try check(try await store.schedules().isEmpty, "nothing written")
            try check(try await store.revisions(scheduleID: bad.id).isEmpty, "no revision written")
            try check(try await store.state(scheduleID: bad.id) == nil, "no state written")
            try check(try await store.events(after: 0, limit: 10).isEmpty, "no event written")
            // An invalid update writes nothing either.
            let good = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let broken = good.revised(at: Fixture.at(60)) { $0.timing.rule = "0 0 30 2 *" }
            try await checkThrows("ValidationError", { try await store.updateSchedule(broken, author: "a") }) {
                $0 is ValidationError
            }
            try check(try await store.schedule(id: good.id) == good, "the stored definition is unchanged")
            try check(try await store.revisions(scheduleID: good.id).count == 1, "no revision recorded")
        },
        ConformanceCase("schedule_duplicateName_isRefused") { store in
            _ = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            try await checkThrows(.nameTaken("digest")) { try await store.createSchedule(Fixture.schedule("digest"), author: "a") }
            let other = try await store.createSchedule(Fixture.schedule("other"), author: "a")
            try await checkThrows(.nameTaken("digest")) {
                try await store.updateSchedule(other.revised(at: Fixture.at(60)) { $0.name = "digest" }, author: "a")
            }
            try check(try await store.schedules().map(\.name) == ["digest", "other"], "two schedules, by name")
            try check(try await store.revisions(scheduleID: other.id).count == 1, "the refused rename left no revision")
        },
        ConformanceCase("schedule_update_raisesRevision_staleCopyConflicts") { store in
            let created = try await store.createSchedule(Fixture.schedule("digest"), author: "user:ada")
            let updated = try await store.updateSchedule(
                created.revised(at: Fixture.at(60)) { $0.notes = "for the team" }, author: "user:bob")
            try check(updated.revision == 2 && updated.notes == "for the team", "revision 2 with notes, got \(updated)")
            try check(try await store.schedule(id: created.id) == updated, "the update reads back")
            let revisions = try await store.revisions(scheduleID: created.id)
            try check(revisions.map(\.revision) == [1, 2], "revisions 1, 2, got \(revisions.map(\.revision))")
            try check(revisions.map(\.author) == ["user:ada", "user:bob"], "authors recorded")
            try check(revisions.last?.snapshot == updated, "the last snapshot is the update")
            var stale = created
            stale.revision = 7
            try await checkThrows(.revisionConflict(scheduleID: created.id, stored: 2, given: 7)) {
                try await store.updateSchedule(stale, author: "user:eve")
            }
            // An edit made from revision 1 after revision 2 was stored would undo it: refused.
            try await checkThrows(.revisionConflict(scheduleID: created.id, stored: 2, given: 1)) {
                try await store.updateSchedule(created.revised(at: Fixture.at(90)) { $0.notes = "stale" }, author: "user:eve")
            }
            var ghost = Fixture.schedule("ghost")
            ghost.revision = 1
            try await checkThrows(.scheduleNotFound(ghost.id)) { try await store.updateSchedule(ghost, author: "a") }
        },
        ConformanceCase("schedule_rollback_restoresAsNewRevision") { store in
            let created = try await store.createSchedule(Fixture.schedule("digest"), author: "user:ada")
            _ = try await store.updateSchedule(created.revised(at: Fixture.at(60)) {
                $0.name = "renamed"
                $0.timing.rule = "0 * * * *"
            }, author: "user:bob")
            let restored = try await store.rollback(scheduleID: created.id, to: 1, author: "user:ada")
            try check(restored.revision == 3, "rollback makes revision 3, got \(restored.revision)")
            try check(restored.name == "digest" && restored.timing == created.timing, "revision 1's definition is back")
            try check(try await store.schedule(id: created.id) == restored, "the rollback reads back")
            try check(try await store.revisions(scheduleID: created.id).map(\.revision) == [1, 2, 3], "three revisions")
            try await checkThrows(.revisionNotFound(scheduleID: created.id, revision: 9)) {
                try await store.rollback(scheduleID: created.id, to: 9, author: "a")
            }
            try await checkThrows(.scheduleNotFound("sch_missing")) {
                try await store.rollback(scheduleID: "sch_missing", to: 1, author: "a")
            }
        },
        ConformanceCase("schedule_delete_removesStateAndRuns_keepsRevisions") { store in
            let created = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            let runs = try await store.claimDue(now: Fixture.at(300), limit: 10, owner: "w1")
            try check(runs.count == 1, "one run claimed")
            try check(try await store.deleteSchedule(id: created.id), "delete reports a deletion")
            try check(try await store.schedule(id: created.id) == nil, "the schedule is gone")
            try check(try await store.state(scheduleID: created.id) == nil, "its state is gone")
            try check(try await store.run(id: runs[0].id) == nil, "its runs are gone")
            try check(try await store.revisions(scheduleID: created.id).count == 1, "its revisions stay as history")
            try check(try await store.deleteSchedule(id: created.id) == false, "a second delete deletes nothing")
        },
        ConformanceCase("state_setNextFireAndPause_moveTheScheduleWithoutRevisions") { store in
            let s = try await store.createSchedule(Fixture.schedule("digest"), author: "a")
            try await store.setNextFire(scheduleID: s.id, at: Fixture.at(900))
            try check(try await store.state(scheduleID: s.id)?.nextFireAt == Fixture.at(900), "next fire moved")
            try check(try await store.claimDue(now: Fixture.at(600), limit: 10, owner: "w").isEmpty, "not due before it")
            try await store.setPaused(scheduleID: s.id, reason: "pause_after_failures")
            try check(try await store.state(scheduleID: s.id)?.pausedReason == "pause_after_failures", "paused with reason")
            try check(try await store.claimDue(now: Fixture.at(3600), limit: 10, owner: "w").isEmpty, "a paused schedule is not claimed")
            try await store.setPaused(scheduleID: s.id, reason: nil)
            try check(try await store.state(scheduleID: s.id)?.isPaused == false, "resumed")
            try check(try await store.claimDue(now: Fixture.at(3600), limit: 10, owner: "w").count == 1, "claimed after resume")
            try await store.setNextFire(scheduleID: s.id, at: nil)
            try check(try await store.state(scheduleID: s.id)?.nextFireAt == nil, "no next fire")
            try check(try await store.claimDue(now: Fixture.at(86_400), limit: 10, owner: "w").isEmpty, "nothing due without a next fire")
            try check(try await store.revisions(scheduleID: s.id).count == 1, "runtime changes make no revision")
            try await checkThrows(.scheduleNotFound("sch_missing")) { try await store.setNextFire(scheduleID: "sch_missing", at: nil) }
            try await checkThrows(.scheduleNotFound("sch_missing")) { try await store.setPaused(scheduleID: "sch_missing", reason: "x") }
        },
    ]
}
