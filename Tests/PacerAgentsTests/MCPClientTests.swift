import Foundation
import PacerAgents
import PacerCore
import PacerStore
import PacerTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Agents using tools of real MCP servers: the reference `mcp-server-time` over stdio and a
/// small Python server on streamable HTTP, driven by the scripted model server.
@Suite("MCP client: agents call tools of MCP servers", .serialized,
       .enabled(if: MCPPython.runs, "no .build-venv/bin/python3 with mcp and mcp-server-time (set PACER_REQUIRE_MCP=1 to fail instead)"))
struct MCPClientTests {
    @Test("an agent marking the server safe calls time.get_current_time over stdio; the result is in the transcript and tool log")
    func stdioCallLandsInTranscript() async throws {
        let hub = MCPHub(servers: [try MCPPython.timeServer()])
        let bench = try await AgentBench.make { $0.mcpServers = ["time"]; $0.mcpSafeServers = ["time"] }
        defer { Task { await hub.shutdown(); await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.toolCalls([call("time__get_current_time", ["timezone": "UTC"])]), .text("It is late."))

        let outcome = await bench.run(schedule, with: bench.sessions(hub: hub))
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(outcome.text == "It is late.")
        let log = try #require(session.toolLog.first)
        #expect(log.name == "time.get_current_time")
        #expect(!log.isError)
        let result = try #require(JSONValue.parseForTest(log.output))
        #expect(result["timezone"] == "UTC")
        #expect(result["datetime"]?.text.contains("T") == true)
        // The transcript: the assistant's call under the tool's own name, then its result.
        #expect(session.messages.contains { $0.toolCalls.map(\.name) == ["time.get_current_time"] })
        #expect(session.messages.contains { $0.role == .tool && $0.text?.contains("\"datetime\"") == true })
        #expect(!session.eventKinds.contains("tool_denied"))

        // The model was offered the tool under its wire name with the server's schema, and saw
        // its own call under that name again in the next request.
        let calls = try await bench.model.waitForCalls(2)
        let offered = offeredFunctions(calls[0])
        let function = try #require(offered["time__get_current_time"])
        #expect(function["parameters"]?["type"] == "object")
        #expect(function["parameters"]?["properties"]?["timezone"]?["type"] == "string")
        #expect(function["parameters"]?["required"] == ["timezone"])
        #expect(function["description"]?.text.isEmpty == false)
        #expect(offered["time__convert_time"] != nil)
        #expect(offered.keys.allSatisfy { $0.wholeMatch(of: /[a-zA-Z0-9_-]{1,64}/) != nil })
        #expect(calls[1].bodyText.contains("\"name\":\"time__get_current_time\""))
        #expect(!calls[1].bodyText.contains("time.get_current_time"))
    }

    @Test("without mcp_safe_servers an MCP call is dangerous: denied unattended with a tool_denied event")
    func unsafeServerIsDenied() async throws {
        let hub = MCPHub(servers: [try MCPPython.timeServer()])
        let bench = try await AgentBench.make { $0.mcpServers = ["time"] }
        defer { Task { await hub.shutdown(); await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.toolCalls([call("time__get_current_time", ["timezone": "UTC"])]), .text("Denied."))

        let outcome = await bench.run(schedule, with: bench.sessions(hub: hub))
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(session.toolLog.map(\.name) == ["time.get_current_time"])
        #expect(session.toolLog.first?.isError == true)
        #expect(session.toolLog.first?.output.contains("\"error\":\"denied\"") == true)
        #expect(session.eventKinds == ["tool_denied"])
        #expect(session.events.first?.detail["tool"] == "time.get_current_time")
    }

    @Test("a killed server: the next call answers how it stopped, the call after it starts a new child and works")
    func killedServerRestartsOnNextCall() async throws {
        let hub = MCPHub(servers: [try MCPPython.timeServer()])
        let bench = try await AgentBench.make { $0.mcpServers = ["time"]; $0.mcpSafeServers = ["time"] }
        defer { Task { await hub.shutdown(); await bench.close() } }
        let schedule = try await bench.schedule()
        let get = { (id: String) in call("time__get_current_time", ["timezone": "UTC"], id: id) }
        await bench.model.enqueue(.toolCalls([get("c1")]), .toolCalls([get("c2")]), .toolCalls([get("c3")]), .text("Done."))
        let pids = Recorder<Int32>()
        // Before the second model call, kill the child the first tool call used.
        let sessions = bench.sessions(hub: hub) { n in
            guard n == 1, let pid = await hub.childPID(of: "time") else { return }
            pids.append(pid)
            kill(pid, SIGKILL)
        }

        let outcome = await bench.run(schedule, with: sessions)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(session.toolLog.map(\.isError) == [false, true, false])
        let stopped = try #require(session.toolLog.dropFirst().first).output
        #expect(stopped.contains("MCP server 'time' stopped (signal 9 (SIGKILL)); it will be restarted on the next call"))
        #expect(session.toolLog.last?.output.contains("\"datetime\"") == true)
        let killed = try #require(pids.all.first)
        let restarted = try #require(await hub.childPID(of: "time"))
        #expect(restarted != killed)
        #expect(!processExists(killed))
    }

    @Test("shutdown stops every child and leaves none running; later sessions get no MCP tools")
    func shutdownLeavesNoChild() async throws {
        let hub = MCPHub(servers: [try MCPPython.timeServer("time"), try MCPPython.timeServer("clock")])
        let agent = Agent(id: "agt_1", name: "a", provider: .openai, baseURL: "http://127.0.0.1:1/v1", model: "m",
                          mcpServers: ["time", "clock"], createdAt: Date())
        let tools = await hub.tools(for: agent)
        #expect(Set(tools.map(\.spec.name)) == ["time.get_current_time", "time.convert_time", "clock.get_current_time", "clock.convert_time"])
        #expect(tools.allSatisfy { $0.isDangerous([:]) })
        // The connection is shared: the same child serves a second listing.
        let first = try #require(await hub.childPID(of: "time"))
        _ = await hub.tools(for: agent)
        #expect(await hub.childPID(of: "time") == first)
        let second = try #require(await hub.childPID(of: "clock"))
        #expect(processExists(first) && processExists(second))

        await hub.shutdown()
        #expect(!processExists(first))
        #expect(!processExists(second))
        #expect(await hub.tools(for: agent).isEmpty)
        let answer = await hub.call(server: "time", tool: "get_current_time", arguments: ["timezone": "UTC"])
        #expect(answer.isError)
    }

    @Test("a server that cannot start offers no tools, and a call says why", arguments: [
        ("nope", ["-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"], "exit status 3; last error output: boom"),
        ("missing", [], "was not found"),
    ])
    func unavailableServer(name: String, args: [String], message: String) async throws {
        let command = name == "missing" ? "pacer-no-such-program" : try MCPPython.python()
        let hub = MCPHub(servers: [.stdio(name, command: command, args: args, timeoutSeconds: 20)])
        defer { Task { await hub.shutdown() } }
        let agent = Agent(id: "agt_1", name: "a", provider: .openai, baseURL: "http://127.0.0.1:1/v1", model: "m",
                          mcpServers: [name], createdAt: Date())
        #expect(await hub.tools(for: agent).isEmpty)
        let answer = await hub.call(server: name, tool: "anything", arguments: [:])
        #expect(answer.isError)
        #expect(answer.result["error"]?.text.contains("MCP server '\(name)' is not available") == true)
        #expect(answer.result["error"]?.text.contains(message) == true)
    }

    @Test("streamable HTTP: tools are listed and called, with SSE and with JSON answers", arguments: [false, true])
    func httpListAndCall(json: Bool) async throws {
        let server = try await EchoHTTPServer(json: json)
        let hub = MCPHub(servers: [.http("echo", url: server.url, timeoutSeconds: 20)])
        let agent = Agent(id: "agt_1", name: "a", provider: .openai, baseURL: "http://127.0.0.1:1/v1", model: "m",
                          tools: ["echo.echo"], createdAt: Date())
        let tools = await hub.tools(for: agent)
        #expect(tools.map(\.spec.name) == ["echo.echo"])
        #expect(tools.first?.spec.inputSchema["properties"]?["text"]?["type"] == "string")
        let answer = await hub.call(server: "echo", tool: "echo", arguments: ["text": "hello, pacer"])
        #expect(!answer.isError)
        #expect(answer.result == "hello, pacer")
        // A second call reuses the session.
        let again = await hub.call(server: "echo", tool: "echo", arguments: ["text": "again"])
        #expect(again.result == "again")
        // A call the server rejects is a tool error, not a stopped server.
        let bad = await hub.call(server: "echo", tool: "no_such_tool", arguments: [:])
        #expect(bad.isError)
        #expect(bad.result["error"]?.text.contains("stopped") == false)
        await hub.shutdown()
        await server.stop()
    }

    @Test("an HTTP server that went away: the next call says it stopped, the one after it tries to reach it again")
    func httpServerGoneThenBack() async throws {
        let server = try await EchoHTTPServer(json: false)
        let hub = MCPHub(servers: [.http("echo", url: server.url, timeoutSeconds: 20)])
        defer { Task { await hub.shutdown() } }
        #expect(await hub.call(server: "echo", tool: "echo", arguments: ["text": "one"]).result == "one")
        await server.stop()
        let gone = await hub.call(server: "echo", tool: "echo", arguments: ["text": "two"])
        #expect(gone.isError)
        #expect(gone.result["error"]?.text.contains("MCP server 'echo' stopped") == true)
        let next = await hub.call(server: "echo", tool: "echo", arguments: ["text": "three"])
        #expect(next.isError)
        #expect(next.result["error"]?.text.contains("is not available") == true)
    }
}

extension JSONValue {
    static func parseForTest(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
