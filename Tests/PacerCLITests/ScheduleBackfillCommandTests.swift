import Foundation
import PacerCore
import PacerStore
import PacerTesting
import Testing

/// `pacer schedule backfill`: a past window's fires as queued runs, once.
@Suite struct ScheduleBackfillCommandTests {
    @Test func backfill_queuesEachFireOnce_andSaysWhatItDid() async throws {
        let ws = try Workspace()
        let added = try await ws.pacer("schedule", "add", "--name", "hourly", "--cron", "0 * * * *", "--http", "https://example.com/hook")
        #expect(added.status == 0, "\(added.stderr)")
        let window = ["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T05:00:00Z"]
        let first = try await ws.start(["schedule", "backfill", "hourly", "--overlap", "allow", "--json"] + window).wait()
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(try first.json() as? [String: Any])
        #expect(json["queued"] as? Int == 6 && json["already_run"] as? Int == 0 && json["overlap"] as? String == "allow")
        let again = try await ws.start(["schedule", "backfill", "hourly"] + window).wait()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("queued 0 backfill runs of 'hourly' (overlap skip); 6 fires had run already"), "\(again.stdout)")
        let runs = try await ws.withStore { store in
            try await store.activeRuns(scheduleID: try await store.schedules()[0].id)
        }
        #expect(runs.map(\.scheduledAt) == (0...5).map { Date(timeIntervalSince1970: 1_793_491_200 + 3600 * Double($0)) })
        #expect(runs.allSatisfy { $0.trigger == .backfill && $0.status == .queued })
    }

    @Test(arguments: [
        (["--from", "2026-11-01T00:00:00Z", "--to", "2999-01-01T00:00:00Z"], "to (--to): 2999-01-01T00:00:00Z is in the future"),
        (["--from", "2026-11-02T00:00:00Z", "--to", "2026-11-01T00:00:00Z"], "to (--to): 2026-11-01T00:00:00Z is before from"),
        (["--from", "2025-01-01T00:00:00Z", "--to", "2026-11-01T00:00:00Z"], "limit (--limit): the window holds more than 10000 fires"),
        (["--from", "yesterday", "--to", "2026-11-01T00:00:00Z"], "--from: 'yesterday' is not an RFC 3339 instant"),
        (["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T01:00:00Z", "--overlap", "queue"], "--overlap: 'queue' is not one of"),
    ])
    func backfill_badWindow_exits2NamingTheFlag_andQueuesNothing(flags: [String], message: String) async throws {
        let ws = try Workspace()
        let added = try await ws.pacer("schedule", "add", "--name", "hourly", "--cron", "0 * * * *", "--http", "https://example.com/hook")
        #expect(added.status == 0, "\(added.stderr)")
        let r = try await ws.start(["schedule", "backfill", "hourly"] + flags).wait()
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try await ws.withStore { try await $0.activeRuns(scheduleID: nil) }.isEmpty)
    }
}
