import Foundation
import PacerCore
import Testing

/// A backfill's pure parts: its window's fires, its checks, its decoder and the attempt a fire
/// that has runs already gets.
@Suite struct BackfillTests {
    /// 2026-11-01T00:00:00Z.
    static let day = Date(timeIntervalSince1970: 1_793_491_200)

    static func schedule(_ rule: String, exclusions: [String] = [], createdAt: Date = day.addingTimeInterval(-86_400 * 30)) -> Schedule {
        Schedule(id: "sch_01", name: "nightly", owner: "user:ada", timing: ScheduleTiming(rule: rule),
                 target: .command(CommandTarget(argv: ["true"])), policies: Policies(exclusions: exclusions), createdAt: createdAt)
    }

    @Test func fires_areTheRulesInstants_bothEndsIncluded_exclusionsLeftOut() throws {
        let request = Backfill(from: Self.day, to: Self.day.addingTimeInterval(86_400 * 6))
        let fires = try request.fires(of: Self.schedule("0 0 * * *", exclusions: ["0 0 * * 0"]))
        // 2026-11-01 is a Sunday: excluded; 11-02 ... 11-07 run.
        #expect(fires.excluded == 1)
        #expect(fires.instants == (1...6).map { Self.day.addingTimeInterval(86_400 * Double($0)) })
    }

    @Test func fires_aWindowBetweenFires_isEmpty() throws {
        let request = Backfill(from: Self.day.addingTimeInterval(60), to: Self.day.addingTimeInterval(3600))
        #expect(try request.fires(of: Self.schedule("0 0 * * *")).instants.isEmpty)
    }

    @Test func fires_moreThanTheLimit_isRefusedNamingLimit_andALargerLimitAllowsIt() throws {
        let window = Backfill(from: Self.day, to: Self.day.addingTimeInterval(10_000 * 60))  // 10,001 minutes
        let error = try #require(throws: ValidationError.self) { try window.fires(of: Self.schedule("every 1m")) }
        #expect(error.fields == ["limit"])
        #expect(error.description.contains("more than 10000 fires"))
        var larger = window
        larger.limit = 10_001
        #expect(try larger.fires(of: Self.schedule("every 1m")).instants.count == 10_001)
    }

    @Test func validate_namesEveryFieldAtFault() {
        let now = Self.day
        #expect(Backfill(from: now, to: now.addingTimeInterval(-1)).validate(now: now).map(\.field) == ["to"])
        #expect(Backfill(from: now.addingTimeInterval(-60), to: now.addingTimeInterval(60)).validate(now: now).map(\.field) == ["to"])
        #expect(Backfill(from: now.addingTimeInterval(-60), to: now, limit: 0).validate(now: now).map(\.field) == ["limit"])
        #expect(Backfill(from: now.addingTimeInterval(-60), to: now, limit: Backfill.maxLimit + 1).validate(now: now).map(\.field) == ["limit"])
        #expect(Backfill(from: now.addingTimeInterval(-60), to: now, limit: Backfill.maxLimit).validate(now: now).isEmpty)
    }

    @Test func run_isAQueuedBackfillRunDueNow_carryingItsOverlapPolicy() {
        let now = Self.day.addingTimeInterval(86_400)
        let withPolicy = Backfill(from: Self.day, to: now, overlap: .allow).run(at: Self.day, scheduleID: "sch_01", now: now)
        #expect(withPolicy.status == .queued && withPolicy.trigger == .backfill && withPolicy.attempt == 1 && withPolicy.step == 0)
        #expect(withPolicy.scheduledAt == Self.day && withPolicy.firesAt == now)
        #expect(Backfill.overlap(of: withPolicy) == .allow)
        let without = Backfill(from: Self.day, to: now).run(at: Self.day, scheduleID: "sch_01", now: now)
        #expect(Backfill.overlap(of: without) == nil && without.state == nil)
        // A retry of a backfill run (trigger retry) is not gated again.
        #expect(Backfill.overlap(of: withPolicy.followUp(id: "run_2", at: now, trigger: .retry)) == nil)
    }

    @Test func mayStart_oneAtATimeUnlessAllow_andNeverTheLastFreeSlot() {
        #expect(Backfill.mayStart(.skip, active: 0, freeSlots: 2, maxConcurrent: 4))
        #expect(!Backfill.mayStart(.skip, active: 1, freeSlots: 3, maxConcurrent: 4), "one at a time")
        #expect(!Backfill.mayStart(.cancelPrevious, active: 1, freeSlots: 3, maxConcurrent: 4), "never cancels")
        #expect(Backfill.mayStart(.allow, active: 2, freeSlots: 2, maxConcurrent: 4))
        #expect(!Backfill.mayStart(.allow, active: 0, freeSlots: 1, maxConcurrent: 4), "the last slot stays free")
        #expect(Backfill.mayStart(.allow, active: 0, freeSlots: 1, maxConcurrent: 1), "unless there is only one")
        #expect(!Backfill.mayStart(.allow, active: 0, freeSlots: 0, maxConcurrent: 1))
    }

    @Test func attempt_firesThatRanAreLeftAlone_firesThatNeverRanGetTheNextAttempt() {
        #expect(Backfill.attempt(existing: []) == 1)
        #expect(Backfill.attempt(existing: [(1, .missed)]) == 2)
        #expect(Backfill.attempt(existing: [(1, .skipped), (2, .missed)]) == 3)
        for status in [Run.Status.succeeded, .failed, .queued, .held, .running, .abandoned, .cancelled, .timedOut] {
            #expect(Backfill.attempt(existing: [(1, status)]) == nil, "\(status)")
            #expect(Backfill.attempt(existing: [(1, .missed), (2, status)]) == nil, "\(status)")
        }
    }

    @Test func decode_readsTheMembers_andNamesEveryOneAtFault() throws {
        let ok = try Backfill.decode(["from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00+01:00", "overlap": "allow", "limit": 20])
        #expect(ok == Backfill(from: Self.day, to: Self.day.addingTimeInterval(86_400 - 3600), overlap: .allow, limit: 20))
        let bad = try #require(throws: ValidationError.self) {
            try Backfill.decode(["from": "yesterday", "overlap": "queue", "limit": 1.5, "extra": true])
        }
        #expect(Set(bad.fields) == ["extra", "from", "to", "overlap", "limit"])
        #expect(try Backfill.decode(["schedule": "x", "from": "2026-11-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"],
                                    ignoring: ["schedule"]).from == Self.day)
    }
}
