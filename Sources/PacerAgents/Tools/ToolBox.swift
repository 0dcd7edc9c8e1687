import Foundation
import PacerCore

/// The tools offered to one agent, by name, in a stable order.
public struct ToolBox: Sendable {
    /// The self-pacing tools, offered to every agent.
    public static let pacing: [any AgentTool] = [ScheduleResumeTool(), ScheduleRecurringTool()]
    /// The schedule-management tools, offered when the agent's allow-list names them (or
    /// names the group `schedules`).
    public static let scheduleManagement: [any AgentTool] = [
        ListSchedulesTool(), CreateScheduleTool(), UpdateScheduleTool(), PauseScheduleTool(pause: true),
        PauseScheduleTool(pause: false), DeleteScheduleTool(), RunHistoryTool(),
    ]
    /// The allow-list entry that offers every schedule-management tool.
    public static let scheduleGroup = Agent.scheduleToolGroup
    /// Every built-in tool name (for validating allow-lists and for docs).
    public static var builtInNames: [String] { (pacing + scheduleManagement).map(\.spec.name) }

    /// The tools in the order they are offered.
    public let tools: [any AgentTool]
    private let byName: [String: any AgentTool]
    /// The tools by the name the model calls them by (``wireName(_:)``).
    private let byWireName: [String: any AgentTool]

    /// - Parameter tools: the tools; a later one with a taken name is dropped.
    public init(_ tools: [any AgentTool]) {
        var seen: [String: any AgentTool] = [:]
        var wire: [String: any AgentTool] = [:]
        var ordered: [any AgentTool] = []
        for tool in tools where seen[tool.spec.name] == nil && wire[Self.wireName(tool.spec.name)] == nil {
            seen[tool.spec.name] = tool
            wire[Self.wireName(tool.spec.name)] = tool
            ordered.append(tool)
        }
        self.tools = ordered
        self.byName = seen
        self.byWireName = wire
    }

    /// What an agent is offered: the self-pacing tools always, schedule tools its allow-list
    /// names, and `extra` tools (MCP) its allow-list names by tool or by server prefix.
    /// - Parameters:
    ///   - agent: the agent.
    ///   - extra: more tools, e.g. from MCP servers (`server.tool`).
    public static func offered(to agent: Agent, extra: [any AgentTool] = []) -> ToolBox {
        let allowed = Set(agent.tools)
        let schedules = scheduleManagement.filter { allowed.contains($0.spec.name) || allowed.contains(scheduleGroup) }
        let others = extra.filter { tool in
            let name = tool.spec.name
            let server = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
            return allowed.contains(name) || allowed.contains(server) || agent.mcpServers.contains(server)
        }
        return ToolBox(pacing + schedules + others)
    }

    /// The tool with that name, if offered: its own name (`server.tool`) or the name the
    /// model calls it by (`server__tool`).
    public func tool(named name: String) -> (any AgentTool)? { byName[name] ?? byWireName[name] }

    /// The tool's own name for a name the model used (`server__tool` becomes `server.tool`);
    /// a name no offered tool goes by is returned as it is.
    /// - Parameter name: the name in the model's call.
    public func toolName(forWireName name: String) -> String { tool(named: name)?.spec.name ?? name }

    /// The specs sent to the model, under their wire names.
    public var specs: [ToolSpec] {
        tools.map { tool in
            var spec = tool.spec
            spec.name = Self.wireName(spec.name)
            return spec
        }
    }

    /// The name a tool goes by on the wire. OpenAI and Anthropic accept only
    /// `^[a-zA-Z0-9_-]{1,64}$`, so an MCP tool `server.tool` is sent as `server__tool`, any other
    /// character becomes `_`, and a longer name is cut to 55 characters plus `_` and 8 hex
    /// digits of its hash. Built-in names are sent as they are.
    /// - Parameter name: the tool's own name.
    public static func wireName(_ name: String) -> String {
        var out = ""
        var dotted = false
        for scalar in name.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": out.unicodeScalars.append(scalar)
            case "." where !dotted:
                dotted = true
                out += "__"
            default: out += "_"
            }
        }
        if out.isEmpty { out = "_" }
        guard out.unicodeScalars.count > 64 else { return out }
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in name.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return String(out.unicodeScalars.prefix(55)) + "_" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The transcript as the model must see it: tool calls under their wire names.
    /// - Parameter messages: the stored transcript (tool calls under their own names).
    public static func wireMessages(_ messages: [Message]) -> [Message] {
        messages.map { message in
            guard message.toolCalls.contains(where: { wireName($0.name) != $0.name }) else { return message }
            var m = message
            m.toolCalls = m.toolCalls.map { call in
                var c = call
                c.name = wireName(c.name)
                return c
            }
            return m
        }
    }
}

/// The unattended deny floor, a pure decision.
public enum Approval {
    /// Whether a call may run.
    /// - Parameters:
    ///   - mode: the agent's approval mode.
    ///   - unattended: whether no person watches the session (every scheduled session).
    ///   - dangerous: whether the call is dangerous.
    public static func allows(mode: Agent.ApprovalMode, unattended: Bool, dangerous: Bool) -> Bool {
        !(dangerous && unattended && mode == .denyDangerous)
    }
}
