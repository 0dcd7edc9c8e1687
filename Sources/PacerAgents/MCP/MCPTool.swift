import Foundation
import MCP
import PacerCore

/// A tool of an MCP server, offered to an agent as `server.tool` (sent to the model as
/// `server__tool`) with the server's JSON Schema and description. A call goes through the
/// hub, which (re)connects as needed.
public struct MCPTool: AgentTool {
    /// The server's name.
    public let server: String
    /// The tool's name on the server.
    public let toolName: String
    public let spec: ToolSpec
    /// Whether calls are dangerous for the unattended deny floor: every MCP tool is, unless
    /// the agent lists the server in `mcp_safe_servers`.
    public let dangerous: Bool
    private let hub: MCPHub

    /// - Parameters:
    ///   - server: the server's name.
    ///   - tool: the tool as the server listed it.
    ///   - dangerous: whether the deny floor applies.
    ///   - hub: the hub that carries out calls.
    init(server: String, tool: Tool, dangerous: Bool, hub: MCPHub) {
        self.server = server
        self.toolName = tool.name
        self.dangerous = dangerous
        self.hub = hub
        var description = tool.description ?? tool.annotations.title ?? tool.title ?? ""
        if description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            description = "Tool \(tool.name) of the MCP server \(server)."
        }
        spec = ToolSpec(name: "\(server).\(tool.name)", description: description,
                        inputSchema: MCPValues.inputSchema(tool.inputSchema))
    }

    public func isDangerous(_ arguments: JSONValue) -> Bool { dangerous }

    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        await hub.call(server: server, tool: toolName, arguments: arguments)
    }
}
