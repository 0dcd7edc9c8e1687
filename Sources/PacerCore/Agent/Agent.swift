import Foundation

/// A configured model with its prompt, tools and price table. The API key is never stored:
/// only the NAME of the environment variable that holds it.
public struct Agent: Sendable, Hashable, Codable {
    /// The wire protocol of the model endpoint.
    public enum Provider: String, WireEnum {
        /// Any OpenAI-compatible Chat Completions endpoint (hosted, Ollama, vLLM, llama.cpp).
        case openai
        /// The Anthropic Messages API.
        case anthropic
        public static let wireName = "provider"
    }

    /// What the agent may do unattended.
    public enum ApprovalMode: String, WireEnum {
        /// Dangerous tools (commands, mutating HTTP, schedule deletion) are denied. The default.
        case denyDangerous = "deny_dangerous"
        /// Every allowed tool may run.
        case allowAll = "allow_all"
        public static let wireName = "approval mode"
    }

    /// `agt_...`.
    public var id: String
    /// Unique human name.
    public var name: String
    /// Who made it (a token's name, `cli`, `config`); only its owner or an admin may change
    /// where its key goes. `nil` for agents made before owners were recorded (admin only).
    public var owner: String?
    /// Wire protocol.
    public var provider: Provider
    /// Endpoint base URL, e.g. `http://127.0.0.1:11434/v1`.
    public var baseURL: String
    /// Model name.
    public var model: String
    /// Name of the environment variable holding the API key; `nil` for keyless local servers.
    public var apiKeyEnv: String?
    /// The system prompt.
    public var systemPrompt: String?
    /// Allowed tools: built-in tool names and MCP server names.
    public var tools: [String]
    /// MCP servers (configured on the server, by name) whose tools the agent may use.
    public var mcpServers: [String]
    /// MCP servers whose tools are safe: their calls are not dangerous for the unattended deny
    /// floor (every other MCP tool is).
    public var mcpSafeServers: [String]
    /// Most model calls per run (default 20).
    public var maxTurns: Int
    /// Price per million input tokens.
    public var inputPricePerMillion: Double
    /// Price per million output tokens.
    public var outputPricePerMillion: Double
    /// What the agent may do unattended.
    public var approvalMode: ApprovalMode
    /// Created.
    public var createdAt: Date
    /// Last changed.
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, owner, provider, model, tools
        case baseURL = "base_url", apiKeyEnv = "api_key_env", systemPrompt = "system_prompt", mcpServers = "mcp_servers"
        case mcpSafeServers = "mcp_safe_servers"
        case maxTurns = "max_turns", inputPricePerMillion = "input_price_per_million"
        case outputPricePerMillion = "output_price_per_million", approvalMode = "approval_mode"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// - Parameters:
    ///   - id: the id.
    ///   - name: unique name.
    ///   - owner: who made it.
    ///   - provider: wire protocol.
    ///   - baseURL: endpoint.
    ///   - model: model name.
    ///   - apiKeyEnv: variable holding the key.
    ///   - systemPrompt: system prompt.
    ///   - tools: allowed tools.
    ///   - mcpServers: MCP servers by name.
    ///   - mcpSafeServers: MCP servers whose tools are not dangerous.
    ///   - maxTurns: most model calls per run.
    ///   - inputPricePerMillion: input price.
    ///   - outputPricePerMillion: output price.
    ///   - approvalMode: unattended policy.
    ///   - createdAt: created.
    ///   - updatedAt: last changed; `createdAt` when `nil`.
    public init(
        id: String, name: String, owner: String? = nil, provider: Provider, baseURL: String, model: String, apiKeyEnv: String? = nil,
        systemPrompt: String? = nil, tools: [String] = [], mcpServers: [String] = [], mcpSafeServers: [String] = [], maxTurns: Int = 20,
        inputPricePerMillion: Double = 0, outputPricePerMillion: Double = 0, approvalMode: ApprovalMode = .denyDangerous,
        createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.systemPrompt = systemPrompt
        self.tools = tools
        self.mcpServers = mcpServers
        self.mcpSafeServers = mcpSafeServers
        self.maxTurns = maxTurns
        self.inputPricePerMillion = inputPricePerMillion
        self.outputPricePerMillion = outputPricePerMillion
        self.approvalMode = approvalMode
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            owner: try c.decodeIfPresent(String.self, forKey: .owner),
            provider: try c.decode(Provider.self, forKey: .provider), baseURL: try c.decode(String.self, forKey: .baseURL),
            model: try c.decode(String.self, forKey: .model), apiKeyEnv: try c.decodeIfPresent(String.self, forKey: .apiKeyEnv),
            systemPrompt: try c.decodeIfPresent(String.self, forKey: .systemPrompt),
            tools: try c.decodeIfPresent([String].self, forKey: .tools) ?? [],
            mcpServers: try c.decodeIfPresent([String].self, forKey: .mcpServers) ?? [],
            mcpSafeServers: try c.decodeIfPresent([String].self, forKey: .mcpSafeServers) ?? [],
            maxTurns: try c.decodeIfPresent(Int.self, forKey: .maxTurns) ?? 20,
            inputPricePerMillion: try c.decodeIfPresent(Double.self, forKey: .inputPricePerMillion) ?? 0,
            outputPricePerMillion: try c.decodeIfPresent(Double.self, forKey: .outputPricePerMillion) ?? 0,
            approvalMode: try c.decodeIfPresent(ApprovalMode.self, forKey: .approvalMode) ?? .denyDangerous,
            createdAt: try c.decode(Date.self, forKey: .createdAt),
            updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt))
    }

    /// The highest price per million tokens.
    public static let maxPrice: Double = 1_000_000

    /// Whether the agent may do dangerous things unattended: it is `allow_all`, or it marks MCP
    /// servers safe (their tools then pass the deny floor, whatever they do). Only an admin may
    /// make such an agent or schedule it.
    public var isPrivileged: Bool { approvalMode == .allowAll || !mcpSafeServers.isEmpty }

    /// The cost of a model call under this agent's price table.
    /// - Parameters:
    ///   - inputTokens: input tokens.
    ///   - outputTokens: output tokens.
    public func cost(inputTokens: Int, outputTokens: Int) -> Double {
        (Double(inputTokens) * inputPricePerMillion + Double(outputTokens) * outputPricePerMillion) / 1_000_000
    }
}

extension Agent: Validatable {
    /// The built-in tools an allow-list may name (the agent runner's tools are checked against
    /// this list), and the group that names every schedule tool.
    public static let builtInTools = ["schedule_resume", "schedule_recurring", "list_schedules", "create_schedule",
                                      "update_schedule", "pause_schedule", "resume_schedule", "delete_schedule", "run_history"]
    public static let scheduleToolGroup = "schedules"

    /// What is wrong with an allow-list entry: it must be a built-in tool, the group
    /// `schedules`, one of the agent's MCP servers, or an MCP server's tool (`server.tool`).
    func toolProblem(_ tool: String) -> String? {
        if Self.builtInTools.contains(tool) || tool == Self.scheduleToolGroup { return nil }
        let shown = String(tool.prefix(100))
        guard !tool.isEmpty, tool.count <= 200, !tool.contains(where: { $0.isWhitespace }) else {
            return "'\(shown)' is not a tool name"
        }
        let parts = tool.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, MCPServerSpec.isServerName(parts[0]), !parts[1].isEmpty { return nil }  // server.tool
        if (mcpServers + mcpSafeServers).contains(tool) { return nil }
        return """
            '\(shown)' is neither a built-in tool (\(Self.builtInTools.joined(separator: ", ")), or schedules for the \
            schedule tools) nor an MCP server of mcp_servers (or server.tool)
            """
    }

    /// Every field error of the agent.
    public func validate() -> [FieldError] {
        var v = Validator()
        v.text(id, "id")
        v.name(name, "name")
        if let owner { v.text(owner, "owner") }
        v.httpURL(baseURL, "base_url")
        v.text(model, "model")
        if let apiKeyEnv { v.envName(apiKeyEnv, "api_key_env") }
        if let systemPrompt {
            v.check(systemPrompt.count <= 100_000, "system_prompt", "is \(systemPrompt.count) characters long; at most 100000 are allowed")
        }
        v.check(tools.count <= 200, "tools", "lists \(tools.count) tools; at most 200 are allowed")
        v.check(mcpServers.count + mcpSafeServers.count <= 200, "mcp_servers", "lists too many servers; at most 200 are allowed")
        for (i, tool) in tools.enumerated() {
            if let problem = toolProblem(tool) { v.fail("tools[\(i)]", problem) }
        }
        for (i, server) in mcpServers.enumerated() where !MCPServerSpec.isServerName(server) {
            v.fail("mcp_servers[\(i)]", "'\(server)' is not a server name (1 to 40 of A-Z a-z 0-9 _ -)")
        }
        for (i, server) in mcpSafeServers.enumerated() where !MCPServerSpec.isServerName(server) {
            v.fail("mcp_safe_servers[\(i)]", "'\(server)' is not a server name (1 to 40 of A-Z a-z 0-9 _ -)")
        }
        v.check((1...1000).contains(maxTurns), "max_turns", "\(maxTurns) must be between 1 and 1000")
        v.number(inputPricePerMillion, "input_price_per_million", 0...Self.maxPrice, "between 0 and 1000000")
        v.number(outputPricePerMillion, "output_price_per_million", 0...Self.maxPrice, "between 0 and 1000000")
        return v.errors
    }
}
