import Foundation
import PacerCore
import PacerOperations
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// The operations every surface calls, driven directly on a real SQLite store.
@Suite struct ScheduleOperationsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A fresh store in a temporary directory, and the context of a writer called `ci`.
    static func bench() throws -> (store: SQLiteStore, context: OperationContext) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let clock = ManualClock(t0)
        let store = try SQLiteStore(path: dir.appendingPathComponent("pacer.db").path, clock: clock)
        let context = OperationContext(caller: Caller(name: "ci", scopes: [.read, .write, .run]), store: store,
                                       policy: .closed, clock: clock)
        return (store, context)
    }

    static let hook: JSONValue = ["kind": "http", "url": "https://example.com/hook"]

    @Test func create_deduplicates_onlyWhenEverySettingIsTheSame() async throws {
        let (store, context) = try Self.bench()
        let first = try await ScheduleOperations.create(["name": "a", "every": "1h", "target": Self.hook], deduplicate: true, in: context)
        #expect(!first.existing)
        let again = try await ScheduleOperations.create(["name": "b", "every": "1h", "target": Self.hook], deduplicate: true, in: context)
        #expect(again.existing && again.schedule.id == first.schedule.id)
        let other = try await ScheduleOperations.create(["name": "c", "every": "1h", "target": Self.hook, "policies": ["overlap": "allow"]],
                                                        deduplicate: true, in: context)
        #expect(!other.existing, "other policies: not a duplicate")
        let paused = try await ScheduleOperations.create(["name": "d", "every": "1h", "target": Self.hook, "enabled": false],
                                                         deduplicate: true, in: context)
        #expect(!paused.existing)
        #expect(try await store.schedules().map(\.name) == ["a", "c", "d"])
        try await store.close()
    }

    @Test func create_namesEveryProblemByTheShorthandGiven() async throws {
        let (store, context) = try Self.bench()
        await #expect {
            _ = try await ScheduleOperations.create(["name": "x", "cron": "not a cron", "agent": "helper"], deduplicate: false, in: context)
        } throws: { error in
            let fields = Set((error as? ValidationError)?.errors.map(\.field) ?? [])
            return fields.contains("cron") && fields.contains("prompt")
        }
        #expect(try await store.schedules().isEmpty)
        try await store.close()
    }

    @Test func patch_mergesThePatch_andAPinnedStaleRevisionConflicts() async throws {
        let (store, context) = try Self.bench()
        let created = try await ScheduleOperations.create(["name": "a", "every": "1h", "target": Self.hook], deduplicate: false, in: context)
        let patched = try await ScheduleOperations.patch("a", with: ["every": "2h", "notes": "slower"], expectedRevision: nil, in: context)
        #expect(patched.changed && patched.schedule.timing.rule == "every 2h" && patched.schedule.notes == "slower")
        #expect(patched.schedule.revision == created.schedule.revision + 1)
        let same = try await ScheduleOperations.patch("a", with: ["notes": "slower"], expectedRevision: nil, in: context)
        #expect(!same.changed && same.schedule.revision == patched.schedule.revision)
        await #expect(throws: OperationError.self) {
            _ = try await ScheduleOperations.patch("a", with: ["notes": "x"], expectedRevision: 1, in: context)
        }
        await #expect {
            _ = try await ScheduleOperations.patch("a", with: ["prompt": "go"], expectedRevision: nil, in: context)
        } throws: { ($0 as? ValidationError)?.errors.map(\.field) == ["prompt"] }
                await #expect(throws: OperationError.notFound(kind: "schedule", reference: "nope")) {
            _ = try await ScheduleOperations.patch("nope", with: ["notes": "x"], expectedRevision: nil, in: context)
        }
        try await store.close()
    }

    @Test func commandTargets_needAdmin_andPauseReasonsAreChecked() async throws {
        let (store, context) = try Self.bench()
        await #expect(throws: Privilege.Refusal.self) {
            _ = try await ScheduleOperations.create(["name": "sh", "every": "1h", "target": ["kind": "command", "argv": ["true"]]],
                                                    deduplicate: false, in: context)
        }
        _ = try await ScheduleOperations.create(["name": "a", "every": "1h", "target": Self.hook], deduplicate: false, in: context)
        await #expect(throws: ValidationError.self) { try await ScheduleOperations.pause("a", reason: "   ", in: context) }
        try await ScheduleOperations.pause("a", reason: nil, in: context)
        #expect(try await store.state(scheduleID: try #require(try await store.schedule(name: "a")).id)?.pausedReason == "paused by ci")
        try await store.close()
    }

    @Test func sessionOperations_refuseWhatTheStateForbids() async throws {
        let (store, context) = try Self.bench()
        var done = Session(id: "ses_01", agentID: "agt_01", createdAt: Self.t0)
        done.state = .done
        let session = try await store.createSession(done)
        await #expect(throws: OperationError.conflict(field: "state", message: "session ses_01 is done already; only a pending, running or waiting session can be cancelled")) {
            _ = try await SessionOperations.cancel(session.id, in: context)
        }
        await #expect(throws: OperationError.self) { _ = try await SessionOperations.resumeNow(session.id, in: context) }
        await #expect(throws: OperationError.notFound(kind: "session", reference: "ses_none")) {
            _ = try await SessionOperations.cancel("ses_none", in: context)
        }
        try await store.close()
    }
}
