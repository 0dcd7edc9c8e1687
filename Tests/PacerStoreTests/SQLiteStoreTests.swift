import Foundation
import PacerCore
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// 2026-03-08T09:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_772_960_400)

/// A fresh database file in its own temporary directory, removed afterwards.
func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("pacer.sqlite").path
    let store = try SQLiteStore(path: path, clock: ManualClock(t0.addingTimeInterval(30)))
    try await body(store, path)
}

/// A schedule firing every five minutes in UTC, created at `t0`.
func fiveMinutely(_ name: String, enabled: Bool = true) -> Schedule {
    Schedule(id: PacerID.make(.schedule, at: t0), name: name, owner: "user:ada", enabled: enabled,
             timing: ScheduleTiming(rule: "*/5 * * * *"), target: .command(CommandTarget(argv: ["true"])),
             createdAt: t0)
}

@Suite struct SQLiteStoreTests {
    @Test func createdScheduleReadsBackEqual() async throws {
        try await withStore { store, _ in
            let created = try await store.createSchedule(fiveMinutely("digest"), author: "user:ada")
            #expect(created.revision == 1)
            #expect(try await store.schedule(id: created.id) == created)
            #expect(try await store.schedules() == [created])
            let state = try #require(try await store.state(scheduleID: created.id))
            #expect(state.nextFireAt == t0.addingTimeInterval(300))
            #expect(state.fireCount == 0)
            let revisions = try await store.revisions(scheduleID: created.id)
            #expect(revisions.map(\.revision) == [1])
            #expect(revisions.first?.author == "user:ada")
            #expect(try await store.schedule(id: "sch_missing") == nil)
        }
    }

    @Test func invalidScheduleWritesNothing() async throws {
        try await withStore { store, _ in
            var bad = fiveMinutely("")
            bad.timing.rule = "not a rule"
            var fields: [String] = []
            do {
                _ = try await store.createSchedule(bad, author: "user:ada")
                Issue.record("an invalid schedule was accepted")
            } catch let error as ValidationError {
                fields = error.fields
            }
            #expect(fields.count >= 2, "every field error at once: \(fields)")
            #expect(try await store.schedules().isEmpty)
            #expect(try await store.revisions(scheduleID: bad.id).isEmpty)
            #expect(try await store.state(scheduleID: bad.id) == nil)
        }
    }

    @Test func duplicateNameIsRefused() async throws {
        try await withStore { store, _ in
            _ = try await store.createSchedule(fiveMinutely("digest"), author: "a")
            await #expect(throws: StoreError.nameTaken("digest")) {
                try await store.createSchedule(fiveMinutely("digest"), author: "a")
            }
        }
    }

    @Test func updateRaisesRevisionAndRecordsIt() async throws {
        try await withStore { store, _ in
            let created = try await store.createSchedule(fiveMinutely("digest"), author: "user:ada")
            let edited = created.revised(at: t0.addingTimeInterval(60)) { $0.notes = "for the team" }
            let updated = try await store.updateSchedule(edited, author: "user:bob")
            #expect(updated.revision == 2)
            #expect(try await store.schedule(id: created.id) == updated)
            let revisions = try await store.revisions(scheduleID: created.id)
            #expect(revisions.map(\.revision) == [1, 2])
            #expect(revisions.map(\.author) == ["user:ada", "user:bob"])
            #expect(revisions.last?.snapshot == updated)
            // A copy whose revision is neither the stored one nor the next is refused.
            var stale = created
            stale.revision = 7
            await #expect(throws: StoreError.self) { try await store.updateSchedule(stale, author: "user:eve") }
        }
    }

    @Test func rollbackRestoresAsNewRevision() async throws {
        try await withStore { store, _ in
            let created = try await store.createSchedule(fiveMinutely("digest"), author: "user:ada")
            _ = try await store.updateSchedule(created.revised(at: t0.addingTimeInterval(60)) {
                $0.name = "renamed"
                $0.timing.rule = "0 * * * *"
            }, author: "user:bob")
            let restored = try await store.rollback(scheduleID: created.id, to: 1, author: "user:ada")
            #expect(restored.revision == 3)
            #expect(restored.name == "digest")
            #expect(restored.timing == created.timing)
            #expect(try await store.schedule(id: created.id) == restored)
            #expect(try await store.revisions(scheduleID: created.id).map(\.revision) == [1, 2, 3])
            await #expect(throws: StoreError.revisionNotFound(scheduleID: created.id, revision: 9)) {
                try await store.rollback(scheduleID: created.id, to: 9, author: "user:ada")
            }
        }
    }

    @Test func deleteRemovesScheduleAndState() async throws {
        try await withStore { store, _ in
            let created = try await store.createSchedule(fiveMinutely("digest"), author: "a")
            #expect(try await store.deleteSchedule(id: created.id))
            #expect(try await store.schedule(id: created.id) == nil)
            #expect(try await store.state(scheduleID: created.id) == nil)
            #expect(try await store.deleteSchedule(id: created.id) == false)
        }
    }

    @Test func claimDueClaimsOnceAndAdvances() async throws {
        try await withStore { store, _ in
            let a = try await store.createSchedule(fiveMinutely("a"), author: "a")
            let b = try await store.createSchedule(fiveMinutely("b"), author: "a")
            _ = try await store.createSchedule(fiveMinutely("off", enabled: false), author: "a")
            let fire = t0.addingTimeInterval(300)
            #expect(try await store.claimDue(now: fire.addingTimeInterval(-1), limit: 10, owner: "w1").isEmpty)
            let runs = try await store.claimDue(now: fire, limit: 10, owner: "w1")
            #expect(Set(runs.map(\.scheduleID)) == [a.id, b.id])
            #expect(runs.allSatisfy { $0.scheduledAt == fire && $0.status == .queued && $0.attempt == 1 && $0.owner == "w1" })
            let state = try #require(try await store.state(scheduleID: a.id))
            #expect(state.nextFireAt == t0.addingTimeInterval(600))
            #expect(state.lastFireAt == fire)
            #expect(state.fireCount == 1)
            #expect(try await store.claimDue(now: fire, limit: 10, owner: "w2").isEmpty)
        }
    }

    @Test func concurrentClaimersClaimEachFireExactlyOnce() async throws {
        try await withStore { store, path in
            for i in 0..<200 { _ = try await store.createSchedule(fiveMinutely("s\(i)"), author: "a") }
            let claimers = try (0..<4).map { _ in try SQLiteStore(path: path) }
            let now = t0.addingTimeInterval(300)
            let all = try await withThrowingTaskGroup(of: [Run].self) { group in
                for (n, claimer) in claimers.enumerated() {
                    group.addTask {
                        var mine: [Run] = []
                        while true {
                            let batch = try await claimer.claimDue(now: now, limit: 7, owner: "w\(n)")
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                var out: [Run] = []
                for try await runs in group { out += runs }
                return out
            }
            #expect(all.count == 200)
            #expect(Set(all.map(\.scheduleID)).count == 200)
            #expect(try await store.claimDue(now: now, limit: 500, owner: "late").isEmpty)
        }
    }

    @Test func fileIsCreatedWithMode0600() async throws {
        try await withStore { _, path in
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }
}

/// Claims decide fires with the plan the engine offers for a revision, parsed once, and
/// never with one of an older revision.
@Suite struct SQLiteOfferedPlanTests {
    @Test func anOfferedPlan_ofTheCurrentRevision_decidesTheClaim_andOneOfAnOlderRevisionIsIgnored() async throws {
        try await withStore { store, _ in
            let created = try await store.createSchedule(fiveMinutely("late"), author: "user:ada")
            let catchUp = ClaimPlan(cadence: try created.cadence(), exclusions: [], policies: Policies(misfire: .runOnce))
            // The stored definition says `skip` (the default): a fire 700 s late would be missed.
            store.offerClaimPlan(catchUp, scheduleID: created.id, revision: created.revision)
            let late = t0.addingTimeInterval(1000)
            let first = try await store.claimDue(now: late, limit: 10, owner: "w1", start: true, deciding: late)
            #expect(first.map(\.status) == [.held], "the offered plan (run_once) decided: \(first)")

            var edited = created
            edited.timing.rule = "*/10 * * * *"
            let updated = try await store.updateSchedule(edited, author: "user:ada")
            #expect(updated.revision == created.revision + 1)
            store.offerClaimPlan(catchUp, scheduleID: created.id, revision: created.revision)
            let later = t0.addingTimeInterval(4000)
            let second = try await store.claimDue(now: later, limit: 10, owner: "w1", start: true, deciding: later)
            #expect(second.map(\.status) == [.missed], "the new revision's own plan (skip) decided: \(second)")
        }
    }
}
