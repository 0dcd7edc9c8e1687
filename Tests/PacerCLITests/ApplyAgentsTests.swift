import Foundation
import PacerCore
import PacerStore
import Testing

private let file = """
    agents:
      - name: researcher
        provider: anthropic
        model: claude-sonnet-4-5
        api_key_env: ANTHROPIC_API_KEY
        system_prompt: |
          You research.
        tools: [schedules, github]
        mcp_servers: [github]
        max_turns: 30
        input_price_per_million: 3
        output_price_per_million: 15
        approval_mode: allow_all
      - name: local
        base_url: http://127.0.0.1:11434/v1
        model: llama3.1
    schedules:
      - name: digest
        cron: "0 8 * * *"
        target: {kind: agent, agent: researcher, prompt: "Summarise {{today}}"}
        caps: {max_resumes: 5, max_lifetime_hours: 48, max_total_tokens: 100000, max_cost: 1.5}
      - name: triage
        every: 15m
        target: {kind: agent, agent: local, prompt: "Triage {{item.title}}"}
        dispatch:
          mode: per_item
          source: {kind: static, items: [{id: 1, title: a}]}
          item_key: id
          notify: {kind: webhook, url: https://example.com/started}

    """

@Suite struct ApplyAgentsTests {
    @Test func apply_agentsAndAgentSchedules_thenTheSameFileChangesNothing() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", file)
        let first = try await ws.pacer("apply", "-f", path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 created, 0 updated, 0 unchanged, 0 skipped"), "\(first.stdout)")

        let agents = try await ws.agents()
        #expect(agents.map(\.name) == ["local", "researcher"])
        let r = agents[1]
        #expect(r.provider == .anthropic && r.baseURL == "https://api.anthropic.com" && r.model == "claude-sonnet-4-5")
        #expect(r.apiKeyEnv == "ANTHROPIC_API_KEY" && r.systemPrompt == "You research.\n")
        #expect(r.tools == ["schedules", "github"] && r.mcpServers == ["github"] && r.maxTurns == 30)
        #expect(r.inputPricePerMillion == 3 && r.outputPricePerMillion == 15 && r.approvalMode == .allowAll)
        #expect(agents[0].provider == .openai && agents[0].maxTurns == 20)

        let schedules = try await ws.schedules()
        #expect(schedules.map(\.name) == ["digest", "triage"])
        #expect(schedules[0].target == .agent(AgentTarget(agent: "researcher", prompt: "Summarise {{today}}")))
        #expect(schedules[0].caps == Caps(maxResumes: 5, maxLifetimeHours: 48, maxTotalTokens: 100_000, maxCost: 1.5))
        #expect(schedules[1].dispatch.notify == .webhook(WebhookDelivery(url: "https://example.com/started")))

        let second = try await ws.pacer("apply", "-f", path, "--json")
        #expect(second.status == 0, "\(second.stderr)")
        let results = try #require(try second.json() as? [[String: Any]])
        #expect(results.map { $0["action"] as? String } == ["unchanged", "unchanged", "unchanged", "unchanged"])
        #expect(results.map { $0["kind"] as? String } == ["agent", "agent", "schedule", "schedule"])
        #expect(results[0]["agent_id"] as? String == r.id)  // file order: researcher first
        #expect(try await ws.agents() == agents)
        #expect(try await ws.schedules() == schedules)
    }

    @Test func apply_changedAgent_updatesIt_andRaiseRefusesADifferentOne() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", file)
        #expect(try await ws.pacer("apply", "-f", path).status == 0)
        let before = try await ws.agents()
        try ws.write("pacer.yaml", file.replacingOccurrences(of: "max_turns: 30", with: "max_turns: 12"))
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.rows.contains { $0.first == "updated" && $0.contains("researcher") && $0.last == "max_turns" }, "\(r.stdout)")
        let after = try #require(try await ws.agents().first { $0.name == "researcher" })
        #expect(after.maxTurns == 12)
        #expect(after.id == before[1].id && after.createdAt == before[1].createdAt)

        try ws.write("raise.yaml", "if_exists: raise\n" + file)
        let raise = try await ws.pacer("apply", "-f", ws.dir.appendingPathComponent("raise.yaml").path)
        #expect(raise.status == 2)
        #expect(raise.stderr.contains("agents[0].name: an agent named 'researcher' exists already (if_exists: raise) and differs in max_turns"),
                "\(raise.stderr)")
        #expect(try await ws.agents().first { $0.name == "researcher" }?.maxTurns == 12)
    }

    static let good = """
        agents:
          - name: good
            base_url: https://api.openai.com/v1
            model: gpt-4.1-mini

        """

    @Test(arguments: [
        ("  - name: b\n    provider: pigeon\n    base_url: https://e.com\n    model: m", "agents[1].provider: unknown provider 'pigeon'; expected openai or anthropic"),
        ("  - name: b\n    base_url: ftp://e.com\n    model: m", "agents[1].base_url: 'ftp://e.com' is not an absolute http or https URL"),
        ("  - name: b\n    model: m", "agents[1].base_url: is required"),
        ("  - name: b\n    base_url: https://e.com", "agents[1].model: is required"),
        ("  - base_url: https://e.com\n    model: m", "agents[1].name: is required"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    api_key_env: 1KEY", "agents[1].api_key_env: give the NAME of the environment variable"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    api_key: sk-123", "agents[1].api_key: unknown key; an agent never holds the key itself"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    max_turns: 0", "agents[1].max_turns: 0 must be between 1 and 1000"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    max_turns: lots", "agents[1].max_turns: expected a whole number"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    input_price_per_million: -1", "agents[1].input_price_per_million: -1.0 must be between 0 and 1000000"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    approval_mode: yolo", "agents[1].approval_mode: unknown approval mode 'yolo'"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    tools: [two words]", "agents[1].tools[0]: 'two words' is not a tool name"),
        ("  - name: b\n    base_url: https://e.com\n    model: m\n    colour: red", "agents[1].colour: unknown key"),
        ("  - name: b\n    id: agt_x\n    base_url: https://e.com\n    model: m", "agents[1].id: is set by the store"),
        ("  - name: good\n    base_url: https://e.com\n    model: m", "agents[1].name: 'good' is also the name of agents[0]"),
        ("  - just a string", "agents[1]: expected a mapping"),
    ])
    func apply_badAgent_exits2NamingItsPath_andWritesNothing(entry: String, message: String) async throws {
        let ws = try Workspace()
        let schedule = "schedules:\n  - name: s\n    every: 1h\n    target: {kind: agent, agent: good, prompt: hi}\n"
        let path = try ws.write("pacer.yaml", Self.good + entry + "\n" + schedule)
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("pacer: \(path): \(message)"), "stderr was: \(r.stderr)")
        #expect(!r.stderr.contains("sk-123"))
        #expect(try await ws.agents().isEmpty)
        #expect(try await ws.schedules().isEmpty)
    }

    @Test(arguments: [
        ("target: {kind: agent, agent: nobody, prompt: hi}", "schedules[0].target.agent: no agent named 'nobody' in this file or the store"),
        ("target: {kind: agent, agent: good, prompt: \"{{#open}}\"}", "schedules[0].target.prompt: template does not compile"),
        ("target: {kind: agent, agent: good}", "schedules[0].target.prompt: is required"),
        ("target: {kind: agent, agent: good, prompt: hi}\n    caps: {max_cost: 0}", "schedules[0].caps.max_cost: 0.0 must be more than 0"),
        ("target: {kind: agent, agent: good, prompt: hi}\n    caps: {max_costs: 1}", "schedules[0].caps.max_costs: unknown key"),
        ("target: {kind: agent, agent: good, prompt: hi}\n    dispatch: {notify: {kind: webhook, url: https://e.com}}", "schedules[0].dispatch.notify: only per_item dispatch notifies"),
    ])
    func apply_badAgentSchedule_exits2NamingItsPath_andWritesNothing(target: String, message: String) async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", Self.good + "schedules:\n  - name: s\n    every: 1h\n    " + target + "\n")
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("pacer: \(path): \(message)"), "stderr was: \(r.stderr)")
        #expect(try await ws.agents().isEmpty)
        #expect(try await ws.schedules().isEmpty)
    }

    @Test func apply_onlyAgents_isAFile_andScheduleMayNameAStoredAgent() async throws {
        let ws = try Workspace()
        let agentsOnly = try ws.write("agents.yaml", Self.good)
        let r = try await ws.pacer("apply", "-f", agentsOnly)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 created"))
        let schedulesOnly = try ws.write("schedules.yaml", "schedules:\n  - name: s\n    every: 1h\n    target: {kind: agent, agent: good, prompt: hi}\n")
        let s = try await ws.pacer("apply", "-f", schedulesOnly)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try await ws.schedules().map(\.name) == ["s"])
    }
}
