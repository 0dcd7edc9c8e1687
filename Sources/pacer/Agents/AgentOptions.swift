import ArgumentParser
import Foundation
import PacerCore
import PacerOperations

/// The flags that define an agent, shared by `agents add` (which needs a model and, for
/// `openai`, a base URL) and `agents edit` (where only the flags given change anything).
///
/// There is deliberately no flag for the API key itself: an agent names the environment
/// variable that holds it (`--api-key-env`), and the server reads the variable when it calls
/// the model.
struct AgentOptions: ParsableArguments {
    @Option(help: "Wire protocol: openai (any Chat Completions endpoint: OpenAI, Ollama, vLLM, llama.cpp) or anthropic.")
    var provider: String?

    @Option(help: ArgumentHelp(
        "Endpoint base URL, e.g. http://127.0.0.1:11434/v1 (default for anthropic: https://api.anthropic.com).",
        valueName: "url"))
    var baseUrl: String?

    @Option(help: "Model name, e.g. gpt-4.1-mini or claude-sonnet-4-5.")
    var model: String?

    @Option(help: ArgumentHelp(
        "NAME of the environment variable holding the API key on the server, e.g. OPENAI_API_KEY; never the key itself ('' clears it).",
        valueName: "var"))
    var apiKeyEnv: String?

    @Option(help: ArgumentHelp("The system prompt ('' clears it).", valueName: "text"))
    var systemPrompt: String?

    @Option(help: ArgumentHelp("Read the system prompt from a file.", valueName: "path"))
    var systemPromptFile: String?

    @Option(help: ArgumentHelp("An allowed tool: a built-in tool or MCP server name (repeatable; 'none' clears them).", valueName: "name"))
    var tool: [String] = []

    @Option(help: ArgumentHelp("An MCP server configured on the server whose tools it may use (repeatable; 'none' clears them).", valueName: "name"))
    var mcpServer: [String] = []

    @Option(help: ArgumentHelp("An MCP server whose tools are safe: not denied in unattended sessions (repeatable; 'none' clears them).", valueName: "name"))
    var mcpSafe: [String] = []

    @Option(help: "Most model calls per run (default: 20).")
    var maxTurns: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Price per million input tokens (default: 0).", valueName: "price"))
    var inputPrice: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Price per million output tokens (default: 0).", valueName: "price"))
    var outputPrice: Double?

    @Option(help: "Unattended tool use: deny_dangerous (default) or allow_all.")
    var approvalMode: String?

    /// A new agent from the flags.
    /// - Parameters:
    ///   - name: its name.
    ///   - now: its creation instant.
    ///   - cwd: the directory a relative `--system-prompt-file` is read from.
    /// - Throws: ``CommandFailure`` (status 2) naming the flag at fault.
    func newAgent(name: String, now: Date, cwd: String) throws -> Agent {
        let provider = try provider.map { try DefinitionOptions.choice($0, "--provider") as Agent.Provider } ?? .openai
        guard let model else { throw CommandFailure.usage("missing --model (the model name, e.g. gpt-4.1-mini)") }
        let baseURL: String
        switch (baseUrl, provider) {
        case (let url?, _): baseURL = url
        case (nil, .anthropic): baseURL = AgentInput.anthropicBaseURL
        case (nil, .openai):
            throw CommandFailure.usage("missing --base-url: an openai agent needs its endpoint, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1")
        }
        var agent = Agent(id: PacerID.make(.agent, at: now), name: name, provider: provider, baseURL: baseURL,
                          model: model, createdAt: now)
        try apply(to: &agent, cwd: cwd, nameFlag: "NAME")
        return agent
    }

    /// Applies the flags given to an agent and validates the result.
    /// - Parameters:
    ///   - agent: the agent to change.
    ///   - cwd: the directory a relative `--system-prompt-file` is read from.
    ///   - nameFlag: what set the name (`NAME` for add, `--name` for edit).
    /// - Throws: ``CommandFailure`` (status 2) naming the flag at fault.
    func apply(to agent: inout Agent, cwd: String, nameFlag: String) throws {
        if let provider { agent.provider = try DefinitionOptions.choice(provider, "--provider") }
        if let baseUrl { agent.baseURL = baseUrl }
        if let model { agent.model = model }
        if let apiKeyEnv {
            let name = apiKeyEnv.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name == "none" {
                agent.apiKeyEnv = nil
            } else {
                try Self.checkKeyVariable(name)
                agent.apiKeyEnv = name
            }
        }
        if systemPrompt != nil, systemPromptFile != nil {
            throw CommandFailure.usage("give either --system-prompt or --system-prompt-file, not both")
        }
        if let systemPrompt { agent.systemPrompt = systemPrompt.isEmpty ? nil : systemPrompt }
        if let systemPromptFile { agent.systemPrompt = try Self.read(systemPromptFile, "--system-prompt-file", cwd: cwd) }
        if !tool.isEmpty { agent.tools = tool == ["none"] ? [] : tool }
        if !mcpServer.isEmpty { agent.mcpServers = mcpServer == ["none"] ? [] : mcpServer }
        if !mcpSafe.isEmpty { agent.mcpSafeServers = mcpSafe == ["none"] ? [] : mcpSafe }
        if let maxTurns { agent.maxTurns = maxTurns }
        if let inputPrice { agent.inputPricePerMillion = inputPrice }
        if let outputPrice { agent.outputPricePerMillion = outputPrice }
        if let approvalMode { agent.approvalMode = try DefinitionOptions.choice(approvalMode, "--approval-mode") }
        do {
            try agent.requireValid()
        } catch {
            throw CommandFailure.invalid(error) { Self.flag(for: $0, nameFlag: nameFlag) }
        }
    }

    /// The command-line flag behind a field of an agent, for error messages.
    static func flag(for field: String, nameFlag: String) -> String? {
        let table: [(String, String)] = [
            ("name", nameFlag), ("provider", "--provider"), ("base_url", "--base-url"), ("model", "--model"),
            ("api_key_env", "--api-key-env"), ("system_prompt", "--system-prompt"), ("tools", "--tool"),
            ("mcp_servers", "--mcp-server"), ("mcp_safe_servers", "--mcp-safe"), ("max_turns", "--max-turns"),
            ("input_price_per_million", "--input-price"), ("output_price_per_million", "--output-price"),
            ("approval_mode", "--approval-mode"),
        ]
        return table.first { field == $0.0 || field.hasPrefix($0.0 + ".") || field.hasPrefix($0.0 + "[") }?.1
    }

    // MARK: Values

    /// Rejects an `--api-key-env` that is not a variable name, or that looks like a key; the
    /// value is never echoed, since it may be the secret itself.
    static func checkKeyVariable(_ name: String) throws {
        if let problem = AgentInput.keyVariableProblem(name) { throw CommandFailure.usage("api_key_env (--api-key-env): \(problem)") }
    }

    /// The text of a file given to a flag, relative to `cwd`.
    static func read(_ path: String, _ flag: String, cwd: String) throws -> String {
        let full = DefinitionOptions.absolute(path, cwd: cwd)
        do {
            return try String(contentsOfFile: full, encoding: .utf8)
        } catch {
            throw CommandFailure.usage("\(flag): cannot read '\(path)': \(error.localizedDescription)")
        }
    }
}
