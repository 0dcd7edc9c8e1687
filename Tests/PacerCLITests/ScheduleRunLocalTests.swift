import Foundation
import PacerCore
import PacerStore
import PacerTesting
import Testing

/// `pacer schedule run --wait` with no server on the SQLite file runs the fire itself.
@Suite struct ScheduleRunLocalTests {
    func add(_ ws: Workspace, _ command: String) async throws {
        let r = try await ws.pacer("schedule", "add", "--name", "job", "--every", "1d", "--command", command)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func runWait_withoutAServer_runsTheFireHere_andSaysSo() async throws {
        let ws = try Workspace()
        try await add(ws, "sh -c 'echo hello-from-here'")
        let r = try await ws.pacer("schedule", "run", "job", "--wait", "--timeout", "60s")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count >= 4, "\(r.stdout)")
        let id = try #require(lines.first)
        #expect(lines.dropFirst().first == "running here: no `pacer serve` holds \(ws.database)")
        #expect(lines.dropFirst(2).first?.hasPrefix("succeeded in ") == true, "\(r.stdout)")
        #expect(r.stdout.contains("hello-from-here"))
        let run = try #require(try await ws.withStore { try await $0.run(id: id) })
        #expect(run.status == .succeeded && run.trigger == .manual && run.attempt == 1 && run.startedAt != nil)
        #expect(run.output?.contains("hello-from-here") == true)
        // The lock is released: a server could start now.
        let lock = try ws.holdServeLock()
        lock.release()
    }

    @Test func runWait_withoutAServer_aFailingFire_exits1_andAnotherScheduleDoesNotFire() async throws {
        let ws = try Workspace()
        try await add(ws, "sh -c 'sleep 2; echo broken >&2; exit 3'")  // long enough for 'other' to be due
        let other = try await ws.pacer("schedule", "add", "--name", "other", "--every", "1s", "--command", "true")
        #expect(other.status == 0, "\(other.stderr)")
        let r = try await ws.pacer("schedule", "run", "job", "--wait", "--timeout", "60s", "--json")
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["status"] as? String == "failed")
        #expect(r.stderr.contains("failed"), "\(r.stderr)")
        let runs = try await ws.withStore { store in
            try await store.schedules().filter { $0.name == "other" }.asyncFlatMap { try await store.runs(scheduleID: $0.id, limit: 10) }
        }
        #expect(runs.isEmpty, "only the fire asked for runs here: \(runs)")
    }

    @Test func runWait_withoutAServer_pastTheTimeout_cancelsTheRun_andSaysSo() async throws {
        let ws = try Workspace()
        try await add(ws, "sleep 60")
        let r = try await ws.pacer("schedule", "run", "job", "--wait", "--timeout", "1s")
        #expect(r.status == 1)
        #expect(r.stderr.contains("did not end within 1.0s; it was cancelled"), "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(try await ws.withStore { try await $0.run(id: id) }?.status == .cancelled)
    }
}

/// A fire running here holds the store against a server, says so, and is cancelled (not left
/// for a later server) when interrupted; a per-item schedule is not run here.
@Suite struct ScheduleRunLocalLockTests {
    @Test func aServerStartingMeanwhile_isToldWhatHoldsTheStore_andSIGINTCancelsTheRun() async throws {
        let ws = try Workspace()
        let added = try await ws.pacer("schedule", "add", "--name", "job", "--every", "1d", "--command", "sleep 30")
        #expect(added.status == 0, "\(added.stderr)")
        let cli = try ws.start(["schedule", "run", "job", "--wait", "--timeout", "60s"])
        let lockFile = ws.database + ".serve.lock"
        for _ in 0..<500 {
            if (try? String(contentsOfFile: lockFile, encoding: .utf8))?.contains("pacer schedule run --wait") == true,
               try await ws.withStore({ try await $0.activeRuns(scheduleID: nil) }).contains(where: { $0.status == .running }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let serve = try await ws.pacer("serve", "--port", "0")
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("`pacer schedule run --wait` (pid "), "\(serve.stderr)")
        cli.program.signal(SIGINT)
        let r = try await cli.wait()
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("interrupted; it was cancelled"), "\(r.stderr)")
        let id = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(try await ws.withStore { try await $0.run(id: id) }?.status == .cancelled, "nothing left for a later server")
    }

    @Test func aPerItemSchedule_isNotRunHere() async throws {
        let ws = try Workspace()
        let added = try await ws.pacer("schedule", "add", "--name", "fan", "--every", "1d", "--command", "true",
                                       "--per-item", "--items-json", "[{\"id\": 1}]", "--item-key", "id")
        try #require(added.status == 0, "\(added.stderr)")
        let r = try await ws.pacer("schedule", "run", "fan", "--wait")
        #expect(r.status == 1)
        #expect(r.stderr.contains("fans out per item"), "\(r.stderr)")
        #expect(try await ws.withStore { try await $0.activeRuns(scheduleID: nil) }.isEmpty, "nothing queued")
    }
}

extension Array {
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out += try await transform(element) }
        return out
    }
}
