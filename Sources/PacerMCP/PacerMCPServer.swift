import Foundation
import Logging
import MCP
import PacerCore

/// Pacer's MCP server on the MCP Swift SDK: `initialize`, `ping`, `tools/list` and
/// `tools/call` over any SDK transport, answering from an ``MCPToolCatalogue`` for one
/// caller. `pacer mcp` runs one over stdio; `/mcp` runs one per HTTP request (see
/// ``MCPEndpoint``).
public enum PacerMCPServer {
    /// The server's name in `initialize`.
    public static let name = "pacer"
    /// The server's version in `initialize`.
    public static let version = "1.0.0"
    /// What `initialize` tells the client about Pacer.
    public static let instructions = """
        Pacer schedules AI agents, HTTP calls and commands on cron expressions or rules such as 'every weekday at 09:00'. \
        Use preview_rule to check a rule, create_schedule to add a schedule (an agent with a prompt, or a target), \
        list_schedules / get_schedule to read them, run_now and run_history for runs, list_sessions / get_session for \
        agent transcripts, and schedule_resume / schedule_recurring to pace a running or waiting session.
        """

    /// A server whose tools answer for `caller`.
    /// - Parameters:
    ///   - catalogue: the tools.
    ///   - caller: who calls: owner of what it creates, and its scopes.
    ///   - logger: where tool failures are logged (never stdout).
    public static func make(catalogue: MCPToolCatalogue, caller: Caller, logger: Logger? = nil) async -> Server {
        let server = Server(name: name, version: version, title: "Pacer", instructions: instructions,
                            capabilities: .init(tools: .init(listChanged: false)), configuration: .default)
        let tools = catalogue.tools.map(tool)
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools)
        }
        await server.withMethodHandler(CallTool.self) { params in
            let arguments: JSONValue? = params.arguments.map { .object($0.mapValues(json)) }
            let result = await catalogue.call(params.name, arguments: arguments, caller: caller)
            if result.isError {
                logger?.info("MCP tool call failed", metadata: ["tool": "\(params.name)", "caller": "\(caller.name)",
                                                                "error": "\(result.message ?? "")"])
            }
            return callResult(result)
        }
        return server
    }

    /// A tool's result as the SDK sends it: the JSON as text content and as structured content.
    static func callResult(_ result: MCPToolResult) -> CallTool.Result {
        let content: [Tool.Content] = [.text(text: result.text, annotations: nil, _meta: nil)]
        let structured: Value? = value(result.value)
        return CallTool.Result(content: content, structuredContent: structured, isError: result.isError, _meta: nil)
    }

    /// A catalogue entry as the SDK lists it.
    static func tool(_ d: MCPToolDescription) -> Tool {
        Tool(name: d.name, title: d.title, description: d.description, inputSchema: value(d.inputSchema),
             annotations: .init(title: d.title, readOnlyHint: d.readOnly, destructiveHint: d.destructive,
                                idempotentHint: d.idempotent, openWorldHint: false))
    }

    /// Pacer's JSON as the SDK's value (whole numbers as integers).
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): n == n.rounded() && abs(n) < 9e15 ? .int(Int(n)) : .double(n)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(value))
        case .object(let o): .object(o.mapValues(value))
        }
    }

    /// The SDK's value as Pacer's JSON.
    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .number(Double(i))
        case .double(let d): .number(d)
        case .string(let s): .string(s)
        case .data(let mimeType, let data): .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let a): .array(a.map(json))
        case .object(let o): .object(o.mapValues(json))
        }
    }
}
