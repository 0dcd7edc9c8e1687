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
    public static let scheduleGroup = "schedules"
    /// Every built-in tool name (for validating allow-lists and for docs).
    public static var builtInNames: [String] { (pacing + scheduleManagement).map(\.spec.name) }

    /// The tools in the order they are offered.
    public let tools: [any AgentTool]
    private let byName: [String: any AgentTool]

    /// - Parameter tools: the tools; a later one with a taken name is dropped.
    public init(_ tools: [any AgentTool]) {
        var seen: [String: any AgentTool] = [:]
        var ordered: [any AgentTool] = []
        for tool in tools where seen[tool.spec.name] == nil {
            seen[tool.spec.name] = tool
            ordered.append(tool)
        }
        self.tools = ordered
        self.byName = seen
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

    /// The tool with that name, if offered.
    public func tool(named name: String) -> (any AgentTool)? { byName[name] }

    /// The specs sent to the model.
    public var specs: [ToolSpec] { tools.map(\.spec) }
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
