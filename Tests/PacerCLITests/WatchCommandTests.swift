import Foundation
import PacerTesting
import Testing

/// `pacer watch` follows the store's event feed, including what other processes write.
@Suite struct WatchCommandTests {
    @Test func watch_followsChangesMadeByOtherCommands_asJSONLines() async throws {
        let ws = try Workspace()
        // From the feed's start, so nothing written while it starts is missed; it waits for
        // the three changes below, made by other processes.
        let watch = try Program(CLI.binary.path, ["watch", "--database", ws.database, "--json", "--after", "0", "--count", "3"])
        #expect(try await ws.pacer("schedule", "add", "--name", "ping", "--every", "30s", "--http", "https://example.com/").status == 0)
        #expect(try await ws.pacer("schedule", "pause", "ping", "--reason", "holiday").status == 0)
        #expect(try await ws.pacer("schedule", "rm", "ping").status == 0)
        let r = try await watch.finish(timeout: .seconds(60))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.map { $0["kind"] as? String } == ["schedule_created", "schedule_state_changed", "schedule_deleted"], "\(r.stdout)")
        #expect(lines.allSatisfy { $0["schedule"] as? String == "ping" }, "the deleted one keeps its name: \(r.stdout)")
        #expect(lines[1]["paused"] as? String == "holiday")
        let sequences = lines.compactMap { $0["sequence"] as? Int }
        #expect(sequences.count == 3 && sequences == sequences.sorted())
    }

    @Test func watch_text_namesTheEventAndTheSchedule() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("watch", "--after", "0", "--count", "1")
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.trimmingCharacters(in: .newlines)
        #expect(line.contains("  schedule_created  sch_") && line.hasSuffix("  ping"), "\(line)")
        #expect(try await ws.pacer("watch", "--count", "0").status == 2)
    }
}
