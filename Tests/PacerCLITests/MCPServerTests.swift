import Foundation
import PacerTesting
import Testing

/// The reference Python MCP client (`Tests/MCP/pacer_client.py`) against `pacer mcp` over
/// stdio and `/mcp` on `pacer serve` (skipped without the Python packages, see ``MCPPython``).
enum PythonMCPClient {
    /// Runs `Tests/MCP/pacer_client.py` and returns the object it printed.
    static func run(_ arguments: [String]) async throws -> (status: Int32, object: [String: Any]?, stderr: String) {
        let r = try await Program(try MCPPython.python(), [MCPPython.script("pacer_client.py")] + arguments)
            .finish(timeout: .seconds(120))
        let object = r.stdout.split(separator: "\n").last.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (r.status, object, r.stderr)
    }
}

@Suite(.enabled(if: MCPPython.runs))
struct MCPServerTests {
    static let tools = ["backfill_schedule", "cancel_session", "create_schedule", "delete_schedule", "get_schedule", "get_session",
                        "list_schedules", "list_sessions", "pause_schedule", "preview_rule", "resume_schedule", "resume_session",
                        "run_history", "run_now", "schedule_recurring", "schedule_resume", "update_schedule"]

    /// What every client run must show: all tools with complete schemas, a created schedule,
    /// and tool errors (not protocol errors) naming the argument for each bad call.
    func checkSession(_ object: [String: Any], name: String) throws {
        #expect(object["server"] as? String == "pacer")
        #expect(object["tools"] as? [String] == Self.tools)
        #expect(object["schemas_complete"] as? Bool == true)
        for key in ["preview", "created", "got", "listed", "every_shorthand", "backfill", "with_timing", "updated"] {
            let call = try #require(object[key] as? [String: Any], "\(key)")
            #expect(call["is_error"] as? Bool == false, "\(key): \(call["text"] ?? "")")
        }
        let created = try #require((object["created"] as? [String: Any])?["text"] as? String)
        #expect(created.contains("\"name\":\"\(name)\""))
        let every = try #require((object["every_shorthand"] as? [String: Any])?["text"] as? String)
        #expect(every.contains("every 30m"), "\(every)")
        let timing = try #require((object["with_timing"] as? [String: Any])?["text"] as? String)
        #expect(timing.contains("\"max_fires\":3"), "\(timing)")
        let updated = try #require((object["updated"] as? [String: Any])?["text"] as? String)
        #expect(updated.contains("\"changed\":true") && updated.contains("0 9 * * *") && updated.contains("\"max_fires\":3"), "\(updated)")
        let backfill = try #require((object["backfill"] as? [String: Any])?["text"] as? String)
        #expect(backfill.contains("\"queued\"") && backfill.contains("\"overlap\":\"allow\""), "\(backfill)")
        let expectations: [(String, String)] = [
            ("bad_backfill", "to: 2999-01-01T00:00:00Z is in the future"),
            ("bad_rule", "rule:"), ("missing_name", "name: is required"), ("wrong_type", "schedule: must be a string"),
            ("past_at", "at: '2020-01-01T00:00:00Z' is in the past"), ("unknown_agent", "agent: no agent named 'nobody'"), ("unknown_schedule", "no-such-schedule"), ("unknown_tool", "unknown tool 'no_such_tool'"),
            ("no_session", "id: no session with id 'ses_none'"),
        ]
        for (key, message) in expectations {
            let call = try #require(object[key] as? [String: Any], "\(key)")
            #expect(call["is_error"] as? Bool == true, "\(key)")
            #expect(call["protocol_error"] == nil, "\(key) must be a tool error: \(call["text"] ?? "")")
            #expect((call["text"] as? String)?.contains(message) == true, "\(key): \(call["text"] ?? "")")
        }
    }

    @Test func stdio_pythonClient_listsTools_createsASchedule_andTheCLIShowsIt() async throws {
        let ws = try Workspace()
        let r = try await PythonMCPClient.run(["stdio", CLI.binary.path, ws.database, "mcp-ping"])
        #expect(r.status == 0, "\(r.stderr)")
        try checkSession(try #require(r.object, "\(r.stderr)"), name: "mcp-ping")
        let shown = try #require(try await ws.pacer("schedule", "show", "mcp-ping", "--json").json() as? [String: Any])
        #expect(shown["owner"] as? String == "mcp")
        #expect((shown["target"] as? [String: Any])?["url"] as? String == "https://example.com/hook")
        // The bad calls stored nothing: the schedule and its `every` sibling only.
        let list = try await ws.pacer("schedule", "list", "--json")
        #expect((try list.json() as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == ["mcp-ping", "mcp-ping-every", "mcp-ping-timing"])
    }

    @Test func http_pythonClient_withToken_createsAScheduleOwnedByTheToken_andAWrongTokenIsRefused() async throws {
        let ws = try Workspace()
        let token = try await ws.pacer("tokens", "create", "assistant", "--scope", "write,read,run", "--json")
        #expect(token.status == 0, "\(token.stderr)")
        let secret = try #require((try token.json() as? [String: Any])?["token"] as? String)
        let serve = try ServeProcess(database: ws.database)
        let base = try await serve.waitUntilListening()

        let r = try await PythonMCPClient.run(["http", base + "/mcp", secret, "http-ping"])
        #expect(r.status == 0, "\(r.stderr)")
        try checkSession(try #require(r.object, "\(r.stderr)\n\(serve.output)"), name: "http-ping")
        let shown = try #require(try await ws.pacer("schedule", "show", "http-ping", "--json").json() as? [String: Any])
        #expect(shown["owner"] as? String == "assistant")

        let refused = try await PythonMCPClient.run(["http", base + "/mcp", "pacer_" + String(repeating: "x", count: 40), "nope"])
        #expect(refused.status != 0)
        #expect(refused.object == nil)
        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }
}
