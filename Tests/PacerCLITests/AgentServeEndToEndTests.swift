import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PacerCore
import PacerTesting
import Testing

/// An agent schedule from the real CLI, run by a real `pacer serve` against the scripted model
/// server: what `pacer sessions show` tells an operator about the unattended run.
@Suite(.serialized, .timeLimit(.minutes(3))) struct AgentServeEndToEndTests {
    @Test func serve_runsAnAgentSchedule_andSessionsShowTellsWhatItDidAndCost() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let log = dir.appendingPathComponent("brief.log").path
        let model = try await ScriptedModelServer.start()
        defer { Task { await model.stop() } }
        let secret = "sk-e2e-secret-4711"
        let serve = try ServeProcess(database: db, extra: ["--allow-env", "PACER_E2E_MODEL_KEY", "--log-dir", dir.path],
                                     environment: ["PACER_E2E_MODEL_KEY": secret])
        _ = try await serve.waitUntilListening()

        var r = try await CLI.run(["agents", "add", "briefer", "--provider", "anthropic", "--base-url", model.anthropicBaseURL,
                             "--model", "claude-test", "--api-key-env", "PACER_E2E_MODEL_KEY", "--tool", "run_history",
                             "--input-price", "3", "--output-price", "15", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        r = try await CLI.run(["schedule", "add", "--name", "brief", "--every", "1h", "--agent", "briefer",
                         "--prompt", "Morning brief for {{schedule.name}}.", "--deliver", "log:" + log, "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        await model.enqueue(
            .toolCalls([ScriptedToolCall(name: "run_history", arguments: ["limit": 3])], text: "Checking history.",
                       inputTokens: 1000, outputTokens: 100),
            .text("All quiet: nothing failed overnight.", inputTokens: 1200, outputTokens: 300))

        r = try await CLI.run(["schedule", "run", "brief", "--wait", "--database", db])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)\n\(serve.output)")

        r = try await CLI.run(["sessions", "list", "--json", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        let sessions = try #require(try r.json() as? [[String: Any]])
        #expect(sessions.count == 1)
        let id = try #require(sessions.first?["id"] as? String)
        #expect(sessions.first?["state"] as? String == "done")

        r = try await CLI.run(["sessions", "show", id, "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        let text = r.stdout
        for expected in ["Morning brief for brief.", "Checking history.", "run_history", "\"limit\":3",
                         "All quiet: nothing failed overnight.", "2200", "400", "0.0126", "briefer", "brief"] {
            #expect(text.contains(expected), "sessions show lacks '\(expected)':\n\(text)")
        }
        // 2,200 input tokens at 3 and 400 output tokens at 15 per million: 0.0066 + 0.006 = 0.0126.

        // The final answer went to the schedule's delivery; the key went nowhere.
        try await eventually("delivery") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("All quiet: nothing failed overnight.")
        }
        let calls = await model.calls
        #expect(calls.count == 2)
        #expect(calls.first?.headers["x-api-key"] == secret)
        #expect(!serve.output.contains(secret))
        #expect(!text.contains(secret))
        r = try await CLI.run(["agents", "show", "briefer", "--json", "--database", db])
        #expect(!r.stdout.contains(secret))

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }

    /// A session waiting for its wake-up survives `kill -9` of its server: the wake-up is a
    /// queued run in the store (the continuation of the fire), and the next server runs it.
    @Test func serve_killedWhileASessionWaits_theNextServerWakesIt_asTheFiresNextStep() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let model = try await ScriptedModelServer.start()
        defer { Task { await model.stop() } }
        let environment = ["PACER_E2E_MODEL_KEY": "sk-e2e"]
        let first = try ServeProcess(database: db, extra: ["--allow-env", "PACER_E2E_MODEL_KEY"], environment: environment)
        _ = try await first.waitUntilListening()
        var r = try await CLI.run(["agents", "add", "watcher", "--provider", "anthropic", "--base-url", model.anthropicBaseURL,
                                   "--model", "claude-test", "--api-key-env", "PACER_E2E_MODEL_KEY", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        r = try await CLI.run(["schedule", "add", "--name", "deploy", "--every", "1h", "--agent", "watcher",
                               "--prompt", "Watch the deploy.", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        await model.enqueue(
            .toolCalls([ScriptedToolCall(name: "schedule_resume", arguments: ["prompt": "Is it done?", "seconds_from_now": 3600])]),
            .text("Checking again in an hour."))
        r = try await CLI.run(["schedule", "run", "deploy", "--wait", "--database", db])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)\n\(first.output)")
        r = try await CLI.run(["schedule", "history", "deploy", "--json", "--database", db])
        let before = try #require(try r.json() as? [[String: Any]])
        #expect(before.map { $0["status"] as? String } == ["queued", "succeeded"], "\(r.stdout)")
        #expect(before.first?["trigger"] as? String == "resume" && before.first?["step"] as? Int == 1)
        let sessionID = try #require(before.last?["session_id"] as? String)

        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        await model.enqueue(.text("Deploy finished."))
        let second = try ServeProcess(database: db, extra: ["--allow-env", "PACER_E2E_MODEL_KEY"], environment: environment)
        let base = try await second.waitUntilListening()
        // Wake it now rather than in an hour (what the dashboard's Resume button does).
        var request = URLRequest(url: URL(string: base + "/v1/sessions/\(sessionID)/resume")!)
        request.httpMethod = "POST"
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        try await eventually("the session is done") {
            let show = try? await CLI.run(["sessions", "list", "--json", "--database", db])
            return show?.stdout.contains("\"done\"") == true
        }
        r = try await CLI.run(["schedule", "history", "deploy", "--json", "--database", db])
        let after = try #require(try r.json() as? [[String: Any]])
        #expect(after.map { $0["status"] as? String } == ["succeeded", "succeeded"], "\(r.stdout)\n\(second.output)")
        #expect(Set(after.map { $0["scheduled_at"] as? String }).count == 1, "one fire: \(r.stdout)")
        #expect(await model.calls.count == 3, "the woken session called the model once more, not twice")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    /// `pacer serve --config` with an `mcp_servers` entry: the agent calls `mcp-server-time`
    /// through the server's MCP hub, and the child is gone once serve has stopped.
    @Test(.enabled(if: MCPPython.runs))
    func serve_configMCPServer_agentCallsItsTool_andTheChildStopsWithServe() async throws {
        let python = try MCPPython.python()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let config = dir.appendingPathComponent("pacer.yaml")
        let mark = UUID().uuidString
        try """
            mcp_servers:
              clock: {transport: stdio, command: "\(python)", args: [-m, mcp_server_time, --local-timezone, UTC], env: {PACER_MCP_MARK: "\(mark)"}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let model = try await ScriptedModelServer.start()
        defer { Task { await model.stop() } }
        let serve = try ServeProcess(database: db, extra: ["--config", config.path])
        _ = try await serve.waitUntilListening()

        var r = try await CLI.run(["agents", "add", "timekeeper", "--base-url", model.openAIBaseURL, "--model", "m",
                                   "--mcp-server", "clock", "--mcp-safe", "clock", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        r = try await CLI.run(["schedule", "add", "--name", "tick", "--every", "1h", "--agent", "timekeeper",
                               "--prompt", "What time is it?", "--database", db])
        #expect(r.status == 0, "\(r.stderr)")
        await model.enqueue(
            .toolCalls([ScriptedToolCall(name: "clock__get_current_time", arguments: ["timezone": "UTC"])]),
            .text("It is time."))
        r = try await CLI.run(["schedule", "run", "tick", "--wait", "--database", db])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)\n\(serve.output)")

        r = try await CLI.run(["sessions", "list", "--json", "--database", db])
        let id = try #require((try r.json() as? [[String: Any]])?.first?["id"] as? String)
        r = try await CLI.run(["sessions", "show", id, "--database", db])
        for expected in ["clock.get_current_time", "\"timezone\":\"UTC\"", "datetime", "It is time."] {
            #expect(r.stdout.contains(expected), "sessions show lacks '\(expected)':\n\(r.stdout)")
        }
        // The model was offered the server's tools under wire-safe names.
        let offered = await model.calls.first.map { "\($0.body)" } ?? ""
        #expect(offered.contains("clock__get_current_time"))

        #expect(!Self.processes(marked: mark).isEmpty, "the MCP child runs while serve does")
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
        #expect(Self.processes(marked: mark).isEmpty, "serve left its MCP child running")
    }

    /// Live processes whose environment holds `PACER_MCP_MARK=<mark>` (zombies have none).
    static func processes(marked mark: String) -> [Int32] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
        return pids.filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return String(decoding: environ, as: UTF8.self).contains("PACER_MCP_MARK=\(mark)")
        }
    }
}
