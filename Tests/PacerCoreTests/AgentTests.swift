import Foundation
import Testing
@testable import PacerCore

@Suite struct AgentTests {
    func agent() -> Agent {
        Agent(id: "agt_1", name: "researcher", provider: .openai, baseURL: "http://127.0.0.1:11434/v1", model: "qwen3:4b",
              apiKeyEnv: "PACER_TEST_KEY", systemPrompt: "Be brief.", tools: ["schedule_resume", "files"], mcpServers: ["files"],
              inputPricePerMillion: 0.5, outputPricePerMillion: 1.5, createdAt: t0)
    }

    @Test func encoding_neverContainsTheKeyValue_onlyTheVariableName() throws {
        // No `setenv` here: changing the environment while other tests spawn processes races
        // with `Process.run()`. The encoding has no access to values, only the variable's name.
        let text = try json(agent())
        #expect(!text.contains(#""api_key":"#))
        #expect(text.contains(#""api_key_env":"PACER_TEST_KEY""#))
        #expect(try keys(in: text) == [
            "id", "name", "provider", "base_url", "model", "api_key_env", "system_prompt", "tools", "mcp_servers", "mcp_safe_servers", "max_turns",
            "input_price_per_million", "output_price_per_million", "approval_mode", "created_at", "updated_at",
        ])
    }

    @Test func keyValueSentByAClient_isDropped() throws {
        var body = try decode([String: JSONValue].self, try json(agent()))
        body["api_key"] = "sk-live-abcdef"
        let decoded = try decode(Agent.self, try json(body))
        #expect(decoded == agent())
        #expect(!(try json(decoded)).contains("sk-live-abcdef"))
    }

    @Test func keyPastedIntoTheVariableName_isRejected() {
        var a = agent()
        a.apiKeyEnv = "sk-live-abcdef"
        #expect(a.validate().map(\.field) == ["api_key_env"])
    }

    @Test func defaults_andValidation() throws {
        let a = try decode(Agent.self, #"{"id":"agt_2","name":"x","provider":"anthropic","base_url":"https://api.anthropic.com","model":"m","created_at":"2026-03-08T09:00:00Z"}"#)
        #expect(a.maxTurns == 20)
        #expect(a.approvalMode == .denyDangerous)
        #expect(a.apiKeyEnv == nil)
        #expect(a.validate().isEmpty)
        var bad = a
        bad.baseURL = "localhost:11434"
        bad.maxTurns = 0
        bad.outputPricePerMillion = -1
        bad.tools = ["schedules", "two words"]
        #expect(Set(bad.validate().map(\.field)) == ["base_url", "max_turns", "output_price_per_million", "tools[1]"])
        let error = #expect(throws: DecodingError.self) {
            try decode(Agent.self, #"{"id":"a","name":"x","provider":"gemini","base_url":"https://x.test","model":"m","created_at":"2026-03-08T09:00:00Z"}"#)
        }
        #expect(PacerJSON.describe(try #require(error)) == "provider: unknown provider 'gemini'; expected openai or anthropic")
    }

    @Test func tools_mustBeBuiltInOrNameOneOfTheAgentsMCPServers() {
        var a = agent()
        a.mcpServers = ["search"]
        a.mcpSafeServers = ["time"]
        a.tools = ["schedule_resume", "schedules", "run_history", "search", "time", "search.query", "weather.now"]
        #expect(a.validate().isEmpty, "\(a.validate())")
        a.tools = ["list_schedule", "weather", "search.", ".now", "two words", ""]
        #expect(a.validate().map(\.field) == (0..<6).map { "tools[\($0)]" }, "\(a.validate())")
        #expect(a.validate().first?.message.contains("neither a built-in tool (schedule_resume") == true)
    }

    @Test func cost_usesThePriceTable() {
        #expect(agent().cost(inputTokens: 2_000_000, outputTokens: 1_000_000) == 2.5)
    }
}
