import Foundation
import PacerCore
import Testing

@testable import PacerAgents

/// The parts of the MCP client that need no server: wire names, server specs, the agent's
/// safe list, the event-stream parser.
@Suite("MCP config, wire names and event streams")
struct MCPConfigTests {
    @Test("MCP tool names go on the wire as server__tool; built-in names are unchanged", arguments: [
        ("time.get_current_time", "time__get_current_time"),
        ("schedule_resume", "schedule_resume"),
        ("fs.read.file", "fs__read_file"),
        ("web.fetch url", "web__fetch_url"),
    ])
    func wireNames(name: String, wire: String) {
        #expect(ToolBox.wireName(name) == wire)
    }

    @Test("a long name is cut to 64 characters with a stable hash")
    func longWireName() {
        let name = "server." + String(repeating: "x", count: 80)
        let wire = ToolBox.wireName(name)
        #expect(wire.count == 64)
        #expect(wire == ToolBox.wireName(name))
        #expect(wire != ToolBox.wireName(name + "y"))
        #expect(wire.wholeMatch(of: /[a-zA-Z0-9_-]{1,64}/) != nil)
    }

    @Test("the tool box finds a tool by either name and maps a transcript's calls to wire names")
    func toolBoxMapsBothWays() {
        let tool = StubTool(name: "time.get_current_time")
        let agent = Agent(id: "agt_1", name: "a", provider: .openai, baseURL: "http://x/v1", model: "m",
                          mcpServers: ["time"], createdAt: Date())
        let box = ToolBox.offered(to: agent, extra: [tool])
        #expect(box.specs.map(\.name).contains("time__get_current_time"))
        #expect(box.tool(named: "time__get_current_time")?.spec.name == "time.get_current_time")
        #expect(box.tool(named: "time.get_current_time")?.spec.name == "time.get_current_time")
        #expect(box.toolName(forWireName: "time__get_current_time") == "time.get_current_time")
        #expect(box.toolName(forWireName: "nothing__here") == "nothing__here")
        let transcript = [Message(role: .assistant, text: nil,
                                  toolCalls: [ToolCallRequest(id: "c1", name: "time.get_current_time", arguments: "{}")])]
        #expect(ToolBox.wireMessages(transcript).first?.toolCalls.first?.name == "time__get_current_time")
    }

    @Test("server specs: each transport's members are required and checked, with field paths")
    func specValidation() {
        #expect(MCPServerSpec.stdio("time", command: "python3", args: ["-m", "mcp_server_time"]).validate().isEmpty)
        #expect(MCPServerSpec.http("search", url: "https://mcp.example.com/mcp").validate().isEmpty)
        #expect(MCPServerSpec(name: "x", transport: .stdio).validate().map(\.field) == ["command"])
        #expect(MCPServerSpec(name: "x", transport: .http).validate().map(\.field) == ["url"])
        let wrong = MCPServerSpec(name: "bad.name", transport: .http, command: "python3", url: "ftp://x",
                                  headersFromEnv: ["Authorization": "not a var"], timeoutSeconds: 0)
        #expect(wrong.validate().map(\.field) == ["name", "url", "headers_from_env.Authorization", "command", "timeout_seconds"])
        let mixed = MCPServerSpec(name: "x", transport: .stdio, command: "a", env: ["1X": "y"], url: "http://x", headers: ["A": "b"])
        #expect(mixed.validate().map(\.field) == ["env", "url", "headers"])
    }

    @Test("specs decode snake_case with defaults")
    func specDecoding() throws {
        let text = #"{"name":"s","transport":"http","url":"http://127.0.0.1:1/mcp","headers_from_env":{"Authorization":"TOKEN"}}"#
        let spec = try PacerJSON.decode(MCPServerSpec.self, from: Data(text.utf8))
        #expect(spec.headersFromEnv == ["Authorization": "TOKEN"])
        #expect(spec.timeoutSeconds == 60)
        #expect(spec.args.isEmpty && spec.env.isEmpty && spec.headers.isEmpty)
    }

    @Test("an agent's mcp_safe_servers is optional, encoded, and validated like mcp_servers")
    func agentSafeServers() throws {
        let old = #"{"id":"agt_1","name":"a","provider":"openai","base_url":"http://x/v1","model":"m","created_at":"2026-01-01T00:00:00Z"}"#
        #expect(try PacerJSON.decode(Agent.self, from: Data(old.utf8)).mcpSafeServers == [])
        var agent = try PacerJSON.decode(Agent.self, from: Data(old.utf8))
        agent.mcpSafeServers = ["time", " "]
        #expect(agent.validate().map(\.field) == ["mcp_safe_servers[1]"])
        agent.mcpSafeServers = ["time"]
        let again = try PacerJSON.decode(Agent.self, from: PacerJSON.encode(agent))
        #expect(again.mcpSafeServers == ["time"])
    }

    @Test("the event-stream parser yields the data of message events, across chunk boundaries")
    func serverSentEvents() {
        var parser = ServerSentEvents()
        let body = ": comment\r\nevent: message\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nevent: ping\ndata: x\n\nid: 7\ndata: {\"b\":2}\n\ndata: {\"c\":3}"
        var messages: [String] = []
        for chunk in Array(body.utf8).chunked(5) {
            messages += parser.feed(chunk).map { String(decoding: $0, as: UTF8.self) }
        }
        messages += parser.finish().map { String(decoding: $0, as: UTF8.self) }
        #expect(messages == ["{\"a\":\n1}", "{\"b\":2}", "{\"c\":3}"])
    }
}

private struct StubTool: AgentTool {
    let name: String
    var spec: ToolSpec { ToolSpec(name: name, description: "stub", inputSchema: ["type": "object"]) }
    func isDangerous(_ arguments: JSONValue) -> Bool { true }
    func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput { .success() }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
