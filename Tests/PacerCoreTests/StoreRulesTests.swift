import Foundation
@testable import PacerCore
import Testing

/// The rules both stores execute: the failure streak, creating and replacing a definition,
/// and the run a claim records.
@Suite struct StoreRulesTests {
    @Test(arguments: [
        (Run.Status.succeeded, 0), (.failed, 4), (.timedOut, 4), (.abandoned, 4),
        (.skipped, 3), (.missed, 3), (.cancelled, 3),
    ])
    func failureStreak_resetsRaisesOrKeeps(status: Run.Status, after: Int) {
        #expect(FailureStreak(after: status).applied(to: 3) == after)
    }

    @Test func replacing_keepsIdentity_raisesTheRevision_andSaysWhetherTheTimingChanged() throws {
        let stored = BackfillTests.schedule("0 0 * * *")
        var stored2 = stored
        stored2.revision = 4
        var edit = BackfillTests.schedule("0 6 * * *", createdAt: BackfillTests.day)
        edit.id = "sch_other"
        let (s, timingChanged) = try edit.replacing(stored2)
        #expect(s.id == stored.id && s.createdAt == stored.createdAt && s.revision == 5)
        #expect(timingChanged)
        var sameTiming = stored2
        sameTiming.name = "renamed"
        #expect(try sameTiming.replacing(stored2).timingChanged == false)

        var bad = stored2
        bad.timing.rule = "every banana"
        #expect(throws: ValidationError.self) { try bad.replacing(stored2) }
    }

    @Test func mayReplace_onlyFromTheStoredRevision() {
        #expect(Schedule.mayReplace(stored: 3, given: 3))
        #expect(!Schedule.mayReplace(stored: 3, given: 4), "made from a revision stored since: stale")
        #expect(!Schedule.mayReplace(stored: 3, given: 2))
        #expect(!Schedule.mayReplace(stored: 3, given: 5))
    }

    @Test func preparedForCreate_isRevisionOne_withTheFirstFireAfterCreation() throws {
        var s = BackfillTests.schedule("0 0 * * *", createdAt: BackfillTests.day.addingTimeInterval(60))
        s.revision = 9
        let (prepared, first) = try s.preparedForCreate()
        #expect(prepared.revision == 1)
        #expect(first == BackfillTests.day.addingTimeInterval(86_400))
    }

    @Test func claimedRun_isHeldOrQueued_andDroppedFiresAreOverAtOnce() {
        let at = BackfillTests.day, now = at.addingTimeInterval(-0.5)
        let held = ClaimPlan.Decision(status: nil, reason: nil, missedLabel: nil, next: nil).run(scheduleID: "sch_01", scheduledAt: at, owner: "p1", start: true, now: now)
        #expect(held.status == .held && held.owner == "p1" && held.heartbeatAt == now && held.scheduledAt == at)
        let queued = ClaimPlan.Decision(status: nil, reason: nil, missedLabel: nil, next: nil).run(scheduleID: "sch_01", scheduledAt: at, owner: "p1", start: false, now: now)
        #expect(queued.status == .queued && queued.owner == "p1")
        let missed = ClaimPlan.Decision(status: .missed, reason: "late", missedLabel: "late", next: nil).run(scheduleID: "sch_01", scheduledAt: at, owner: "p1", start: true, now: now)
        #expect(missed.status == .missed && missed.owner == nil && missed.finishedAt == now && missed.error == "late")
    }
}
