import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// `pacer agents list`: every agent, one line each.
struct AgentsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List agents: name, provider, model, base URL, key variable, tools, max turns and approval.",
        aliases: ["ls"])

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array of agents.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let agents = try await store.agents().sorted { $0.name < $1.name }
            if json {
                try JSONOutput.print(encodable: agents)
                return
            }
            if agents.isEmpty {
                Output.out("no agents; add one with pacer agents add\n")
                return
            }
            var table = Table("NAME", "PROVIDER", "MODEL", "BASE URL", "KEY VARIABLE", "TOOLS", "MAX TURNS", "APPROVAL")
            for a in agents {
                table.add([a.name, a.provider.rawValue, a.model, a.baseURL, a.apiKeyEnv.map { "$" + $0 } ?? "-",
                           AgentText.tools(a), String(a.maxTurns), a.approvalMode.rawValue])
            }
            Output.out(table.text)
        }
    }
}

/// `pacer agents show NAME|ID`: every field of one agent and the schedules that target it.
struct AgentsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an agent's definition and the schedules that target it.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The agent's name or id.")
    var agent: String

    @Flag(help: "Print the agent as JSON, with the schedules that target it.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let a = try await store.agent(nameOrID: agent)
            let users = try await store.schedules(targeting: a)
            if json {
                var o = try JSONOutput.object(a) as! [String: Any]
                o["schedules"] = users.map { ["id": $0.id, "name": $0.name] }
                try JSONOutput.print(o)
                return
            }
            Output.out(AgentText.show(a, schedules: users))
        }
    }
}

/// How agents read in tables and in `show`.
enum AgentText {
    /// `schedules, search` or `-`; MCP servers as `mcp:name`.
    static func tools(_ a: Agent) -> String {
        let all = a.tools + a.mcpServers.map { "mcp:" + $0 }
        return all.isEmpty ? "-" : all.joined(separator: ", ")
    }

    /// `3.00 / 15.00 per million tokens (input / output)`.
    static func prices(_ a: Agent) -> String {
        String(format: "%.2f / %.2f per million tokens (input / output)", a.inputPricePerMillion, a.outputPricePerMillion)
    }

    /// Every field, one per line, then the system prompt in full.
    static func show(_ a: Agent, schedules: [Schedule]) -> String {
        var lines: [(String, String)] = [
            ("Name", a.name), ("ID", a.id), ("Provider", a.provider.rawValue), ("Base URL", a.baseURL), ("Model", a.model),
            ("API key", a.apiKeyEnv.map { "from $\($0) on the server" } ?? "none (keyless endpoint)"),
            ("Tools", a.tools.isEmpty ? "-" : a.tools.joined(separator: ", ")),
            ("MCP servers", a.mcpServers.isEmpty ? "-" : a.mcpServers.joined(separator: ", ")),
            ("Max turns", String(a.maxTurns)), ("Prices", prices(a)), ("Approval", a.approvalMode.rawValue),
            ("Used by", schedules.isEmpty ? "-" : schedules.map(\.name).joined(separator: ", ")),
            ("Created", ScheduleText.local(a.createdAt)), ("Updated", ScheduleText.local(a.updatedAt)),
        ]
        if a.systemPrompt == nil { lines.append(("System prompt", "-")) }
        let width = lines.map(\.0.count).max()! + 3
        var out = lines.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n") + "\n"
        if let prompt = a.systemPrompt {
            out += "System prompt:\n" + indented(prompt, by: "  ")
        }
        return out
    }

    /// The fields in which two versions of an agent differ, by wire name.
    static func differences(_ a: Agent, _ b: Agent) -> [String] {
        var out: [String] = []
        if a.name != b.name { out.append("name") }
        if a.provider != b.provider { out.append("provider") }
        if a.baseURL != b.baseURL { out.append("base_url") }
        if a.model != b.model { out.append("model") }
        if a.apiKeyEnv != b.apiKeyEnv { out.append("api_key_env") }
        if a.systemPrompt != b.systemPrompt { out.append("system_prompt") }
        if a.tools != b.tools { out.append("tools") }
        if a.mcpServers != b.mcpServers { out.append("mcp_servers") }
        if a.maxTurns != b.maxTurns { out.append("max_turns") }
        if a.inputPricePerMillion != b.inputPricePerMillion { out.append("input_price_per_million") }
        if a.outputPricePerMillion != b.outputPricePerMillion { out.append("output_price_per_million") }
        if a.approvalMode != b.approvalMode { out.append("approval_mode") }
        return out
    }

    /// Each line of a text with a prefix, ending in a newline.
    static func indented(_ text: String, by prefix: String) -> String {
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return trimmed.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n") + "\n"
    }
}
