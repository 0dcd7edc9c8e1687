import Foundation
import PacerCore

/// The schemas of agents.
enum AgentSchemas {
    typealias M = Schema.Member

    /// The name of an MCP server.
    static let serverName: JSONValue = ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"]

    static let members: [M] = [
        M("name", Schema.text(max: 200), required: true, "Unique"),
        M("provider", Schema.enumeration(Agent.Provider.self), .always, required: false, "openai by default"),
        M("base_url", Schema.httpURL, .always, required: false,
          "The endpoint, e.g. http://127.0.0.1:11434/v1; required for openai, the Anthropic API by default for anthropic"),
        M("model", Schema.text(), required: true),
        M("api_key_env", Schema.envName, .whenSet, required: false,
          "The NAME of the environment variable holding the API key (never the key)"),
        M("system_prompt", ["type": "string", "maxLength": 100_000], .whenSet),
        M("tools", Schema.array(["type": "string", "pattern": "^\\S+$"]), .always, required: false, "Allowed tools"),
        M("mcp_servers", Schema.array(serverName), .always, required: false,
          "MCP servers (configured on the server) whose tools the agent may use, as server.tool"),
        M("mcp_safe_servers", Schema.array(serverName), .always, required: false,
          "MCP servers whose tools are not dangerous for the unattended deny floor (every other MCP tool is)"),
        M("max_turns", Schema.integer(1...1000), .always, required: false, "Most model calls per run (20 by default)"),
        M("input_price_per_million", Schema.number(min: 0)),
        M("output_price_per_million", Schema.number(min: 0)),
        M("approval_mode", Schema.enumeration(Agent.ApprovalMode.self), .always, required: false,
          "allow_all (every allowed tool runs unattended) needs the admin scope"),
    ]

    static var all: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        out["Agent"] = Schema.object([M("id", Schema.string)] + members + [M("created_at", Schema.dateTime), M("updated_at", Schema.dateTime)],
                                     .output, description: "A configured model with its prompt, tools and price table.")
        if case .object(var input) = Schema.object(members, .input, description: "A new agent; id and times are set by the server.") {
            // base_url may be left out only for anthropic.
            input["if"] = ["required": ["provider"], "properties": ["provider": ["const": "anthropic"]]]
            input["else"] = ["required": ["base_url"], "properties": ["base_url": Schema.httpURL]]
            out["AgentInput"] = .object(input)
        }
        var optional = members
        for i in optional.indices { optional[i].required = false }
        out["AgentPatch"] = Schema.object(optional, .input, description: "A change to an agent: a JSON merge patch (null removes a member).")
        return out
    }
}
