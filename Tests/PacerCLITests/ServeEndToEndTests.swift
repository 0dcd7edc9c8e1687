import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PacerCore
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// `pacer serve` as a real process on a temporary SQLite file, managed by the real CLI, firing
/// at a real local HTTP receiver.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServeEndToEndTests {
    @Test func serve_schedulesAddedByTheCLI_fireAtTheReceiver() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let receiver = try await HTTPReceiver.start()
        defer { Task { await receiver.stop() } }
        let serve = try ServeProcess(database: db)
        let base = try await serve.waitUntilListening()

        let added = Date()
        let r = try await CLI.run(["schedule", "add", "--name", "ping", "--every", "1s", "--http", receiver.url("/hook"), "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        try await eventually("two fires") { await receiver.requests.count >= 2 }
        let first = try #require(await receiver.requests.first)
        // Only a guard against a server that never sees the change: the store's change signal
        // brings it within a second, which a loaded machine cannot be held to.
        #expect(Date().timeIntervalSince(added) < 60, "a CLI change reaches the running server")
        let keys = await receiver.requests.compactMap { $0.header("Idempotency-Key") }
        #expect(keys.count >= 2 && Set(keys).count == keys.count && keys.allSatisfy { $0.hasPrefix("fire_") })
        #expect(first.method == "GET" && first.path == "/hook")

        // Health and metrics answer on the same server.
        let (health, healthResponse) = try await URLSession.shared.data(from: URL(string: base + "/healthz")!)
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self).contains("\"status\":\"ok\""))
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: base + "/metrics")!)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("pacer_fires_total"))
        #expect(text.contains("pacer_fire_lateness_seconds_bucket"))
        #expect(text.contains("# HELP pacer_fires_total Fires claimed by this process.\n# TYPE pacer_fires_total counter"))
        #expect(text.contains("pacer_runs_finished_total{status=\"succeeded\"}"))
        #expect(!text.contains("status=\"running\"") && !text.contains("status=\"held\""), "only final statuses are finished")

        // Pausing from the CLI stops the fires (within a second; the wait leaves room for a
        // busy CI machine).
        #expect(try await CLI.run(["schedule", "pause", "ping", "--database", db]).status == 0)
        try await Task.sleep(for: .milliseconds(2500))
        let count = await receiver.requests.count
        try await Task.sleep(for: .milliseconds(2500))
        #expect(await receiver.requests.count == count, "no fire after pause")

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }

    @Test func serve_secondServerOnTheSameFile_refusesToStart() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let first = try ServeProcess(database: db)
        _ = try await first.waitUntilListening()
        let second = try ServeProcess(database: db)
        #expect(try await second.waitForExit() != 0)
        #expect(second.output.contains("already using"), "\(second.output)")
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    @Test func serve_killedWithSIGKILL_leavesNoChildBehind_commandsAndTheirChildren() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let serve = try ServeProcess(database: db, extra: ["--allow-commands"])
        _ = try await serve.waitUntilListening()
        let script = "sleep 600 & echo $! > \(dir.path)/grandchild; echo $$ > \(dir.path)/child; wait"
        let add = try await CLI.run(["schedule", "add", "--name", "long", "--every", "1h", "--shell", "--command", script,
                                     "--database", db])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try await CLI.run(["schedule", "run", "long", "--database", db]).status == 0)
        var pids: [Int32] = []
        try await eventually("the command and its child run", timeout: 20) {
            pids = ["child", "grandchild"].compactMap {
                (try? String(contentsOfFile: "\(dir.path)/\($0)", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            return pids.count == 2
        }
        #expect(pids.allSatisfy(isAlive))
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()
        try await eventually("no child outlives the server", timeout: 10) { !pids.contains(where: isAlive) }
    }

    @Test func serve_killedDuringARun_abandonsAndRetriesOnRestart_noDoubleNoLoss() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let receiver = try await HTTPReceiver.start()
        defer { Task { await receiver.stop() } }
        // The first request hangs (the server dies during it); later ones answer at once.
        await receiver.enqueue(ScriptedResponse(status: 200, body: "slow", delay: .seconds(60)))
        let add = try await CLI.run(["schedule", "add", "--name", "job", "--cron", "0 0 1 1 *", "--http", receiver.url("/job"),
                               "--max-attempts", "2", "--backoff-base", "1", "--database", db])
        #expect(add.status == 0, "\(add.stderr)")

        let serve = try ServeProcess(database: db, extra: ["--lease-timeout", "2"])
        _ = try await serve.waitUntilListening()
        #expect(try await CLI.run(["schedule", "run", "job", "--database", db]).status == 0)
        try await eventually("the first attempt reached the receiver") { await receiver.requests.count == 1 }
        serve.signal(SIGKILL)
        _ = try await serve.waitForExit()

        let restarted = try ServeProcess(database: db, extra: ["--lease-timeout", "2"])
        _ = try await restarted.waitUntilListening()
        try await eventually("the retry reached the receiver", timeout: 20) { await receiver.requests.count == 2 }
        try await Task.sleep(for: .seconds(3))
        #expect(await receiver.requests.count == 2, "exactly one retry, nothing doubled")
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)

        let store = try SQLiteStore(path: db)
        let job = try #require(try await store.schedules().first)
        let runs = try await store.runs(scheduleID: job.id, limit: 10).sorted { $0.attempt < $1.attempt }
        try await store.close()
        #expect(runs.map(\.status) == [.abandoned, .succeeded])
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(runs.map(\.trigger) == [.manual, .retry])
    }

    @Test func serve_sigterm_drainsTheRunningRunToItsEnd() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let receiver = try await HTTPReceiver.start { _ in ScriptedResponse(status: 200, body: "done", delay: .seconds(2)) }
        defer { Task { await receiver.stop() } }
        #expect(try await CLI.run(["schedule", "add", "--name", "job", "--cron", "0 0 1 1 *", "--http", receiver.url("/job"),
                             "--database", db]).status == 0)
        let serve = try ServeProcess(database: db)
        _ = try await serve.waitUntilListening()
        #expect(try await CLI.run(["schedule", "run", "job", "--database", db]).status == 0)
        try await eventually("the run started") { await receiver.requests.count == 1 }
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        #expect(serve.output.contains("drain"), "\(serve.output)")

        let store = try SQLiteStore(path: db)
        let job = try #require(try await store.schedules().first)
        let runs = try await store.runs(scheduleID: job.id, limit: 10)
        try await store.close()
        #expect(runs.map(\.status) == [.succeeded], "SIGTERM lets the running run finish")
        #expect(runs.first?.output == "done")
    }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct ServeConfigTests {
    @Test func serve_config_appliesTheFileOnEveryStart_idempotently() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let receiver = try await HTTPReceiver.start()
        defer { Task { await receiver.stop() } }
        let config = dir.appendingPathComponent("pacer.yaml")
        try Data("""
            if_exists: raise
            schedules:
              - name: beat
                every: 1s
                target: {kind: http, url: "\(receiver.url("/beat"))"}
            """.utf8).write(to: config)
        for start in 1...2 {
            let serve = try ServeProcess(database: db, extra: ["--config", config.path])
            _ = try await serve.waitUntilListening()
            try await eventually("fires after start \(start)") { await receiver.requests.count >= start * 2 }
            serve.signal(SIGTERM)
            #expect(try await serve.waitForExit() == 0, "\(serve.output)")
        }
        let store = try SQLiteStore(path: db)
        let schedules = try await store.schedules()
        try await store.close()
        #expect(schedules.map(\.name) == ["beat"])
        #expect(schedules.first?.revision == 1, "the second start changed nothing")
    }

    @Test(arguments: [
        (["--max-concurrent", "0"], "--max-concurrent"),
        (["--port", "70000"], "--port"),
        (["--log-format", "xml"], "--log-format"),
        (["--log-level", "loud"], "--log-level"),
        (["--lease-timeout", "0"], "--lease-timeout"),
        (["--drain-timeout", "-1"], "--drain-timeout"),
        (["--retention-days", "0"], "--retention-days"),
        (["--config", "/nonexistent/pacer.yaml"], "pacer.yaml"),
    ])
    func serve_badFlag_exitsWithTheFlagNamed(_ args: [String], _ named: String) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let serve = try ServeProcess(database: db, extra: args)
        let status = try await serve.waitForExit()
        #expect(status != 0)
        #expect(serve.output.contains(named), "\(serve.output)")
        #expect(!serve.output.contains("listening"))
    }
}


/// Whether a process runs (a zombie waiting for its reaper does not).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}
