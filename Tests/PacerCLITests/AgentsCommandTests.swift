import Foundation
import PacerCore
import PacerStore
import Testing

/// `agents add` arguments: a valid agent `x` with `extra` flags; a `--base-url` or `--model`
/// in `extra` replaces the default one.
private func add(_ extra: String...) -> [String] {
    var args = ["agents", "add", "x"]
    if !extra.contains("--base-url") { args += ["--base-url", "https://api.openai.com/v1"] }
    if !extra.contains("--model") { args += ["--model", "gpt-4.1-mini"] }
    return args + extra
}

@Suite struct AgentsCommandTests {
    @Test func agents_addListShowEditRm_roundTrip() async throws {
        let ws = try Workspace()
        try ws.write("prompt.md", "You triage issues.\nBe brief.\n")
        let add = try await ws.pacer(
            "agents", "add", "researcher", "--provider", "anthropic", "--model", "claude-sonnet-4-5",
            "--api-key-env", "ANTHROPIC_API_KEY", "--system-prompt-file", "prompt.md", "--tool", "schedules", "--tool", "github.search",
            "--mcp-server", "github", "--max-turns", "30", "--input-price", "3", "--output-price", "15", "--approval-mode", "allow_all")
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.hasPrefix("created agent 'researcher' (agt_"))
        try await ws.addHelper()

        let stored = try await ws.agents()
        #expect(stored.map(\.name) == ["helper", "researcher"])
        let r = stored[1]
        #expect(r.provider == .anthropic)
        #expect(r.baseURL == "https://api.anthropic.com")  // the anthropic default
        #expect(r.model == "claude-sonnet-4-5")
        #expect(r.apiKeyEnv == "ANTHROPIC_API_KEY")
        #expect(r.systemPrompt == "You triage issues.\nBe brief.\n")
        #expect(r.tools == ["schedules", "github.search"])
        #expect(r.mcpServers == ["github"])
        #expect(r.maxTurns == 30)
        #expect(r.inputPricePerMillion == 3 && r.outputPricePerMillion == 15)
        #expect(r.approvalMode == .allowAll)
        let h = stored[0]
        #expect(h.provider == .openai && h.maxTurns == 20 && h.approvalMode == .denyDangerous && h.apiKeyEnv == nil)

        let list = try await ws.pacer("agents", "list")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.rows.first == ["NAME", "PROVIDER", "MODEL", "BASE URL", "KEY VARIABLE", "TOOLS", "MAX TURNS", "APPROVAL"])
        #expect(list.rows.contains(["researcher", "anthropic", "claude-sonnet-4-5", "https://api.anthropic.com", "$ANTHROPIC_API_KEY",
                                    "schedules, github.search, mcp:github", "30", "allow_all"]), "\(list.stdout)")
        #expect(list.rows.contains(["helper", "openai", "llama3.1", "http://127.0.0.1:11434/v1", "-", "-", "20", "deny_dangerous"]))
        let listJSON = try #require(try await ws.pacer("agents", "list", "--json").json() as? [[String: Any]])
        #expect(listJSON.map { $0["name"] as? String } == ["helper", "researcher"])
        #expect(listJSON[1]["api_key_env"] as? String == "ANTHROPIC_API_KEY")
        #expect(listJSON[1]["base_url"] as? String == "https://api.anthropic.com")

        let show = try await ws.pacer("agents", "show", "researcher")
        #expect(show.status == 0, "\(show.stderr)")
        for row in [["Provider:", "anthropic"], ["API key:", "from $ANTHROPIC_API_KEY on the server"], ["MCP servers:", "github"],
                    ["Max turns:", "30"], ["Prices:", "3.00 / 15.00 per million tokens (input / output)"], ["Approval:", "allow_all"],
                    ["System prompt:"], ["You triage issues."], ["Be brief."]] {
            #expect(show.rows.contains(row), "missing \(row) in\n\(show.stdout)")
        }
        #expect(show.stdout.contains("System prompt:\n  You triage issues.\n  Be brief.\n"))
        let byID = try #require(try await ws.pacer("agents", "show", r.id, "--json").json() as? [String: Any])
        #expect(byID["name"] as? String == "researcher")
        #expect(byID["max_turns"] as? Int == 30)
        #expect(byID["schedules"] as? [Any] != nil)

        let edit = try await ws.pacer("agents", "edit", "researcher", "--model", "claude-opus-4-1", "--tool", "none", "--max-turns", "40",
                                "--api-key-env", "", "--system-prompt", "Short.", "--name", "analyst")
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(edit.stdout.contains("updated agent 'analyst'"))
        let edited = try #require(try await ws.agents().first { $0.id == r.id })
        #expect(edited.name == "analyst" && edited.model == "claude-opus-4-1" && edited.tools.isEmpty && edited.maxTurns == 40)
        #expect(edited.apiKeyEnv == nil && edited.systemPrompt == "Short.")
        #expect(edited.mcpServers == ["github"] && edited.inputPricePerMillion == 3)  // untouched
        #expect(edited.createdAt == r.createdAt)
        let same = try await ws.pacer("agents", "edit", "analyst", "--max-turns", "40")
        #expect(same.stdout.contains("agent 'analyst' unchanged"))

        let rm = try await ws.pacer("agents", "rm", "analyst", "--json")
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect((try rm.json() as? [String: Any])?["deleted"] as? String == r.id)
        #expect(try await ws.agents().map(\.name) == ["helper"])
        let gone = try await ws.pacer("agents", "show", "analyst")
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("no agent named 'analyst'"))
    }

    @Test func rm_agentTargetedBySchedules_refusesUnlessForced() async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        let helper = try #require(try await ws.agents().first)
        #expect(try await ws.pacer("schedule", "add", "--name", "a", "--every", "1h", "--agent", "helper", "--prompt", "hi").status == 0)
        #expect(try await ws.pacer("schedule", "add", "--name", "b", "--every", "1h", "--agent", helper.id, "--prompt", "hi").status == 0)

        let refused = try await ws.pacer("agents", "rm", "helper")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("agent 'helper' is the target of schedules 'a', 'b'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        #expect(try await ws.agents().count == 1)
        let show = try await ws.pacer("agents", "show", "helper")
        #expect(show.rows.contains(["Used by:", "a, b"]), "\(show.stdout)")

        let forced = try await ws.pacer("agents", "rm", "helper", "--force")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("deleted agent 'helper'"))
        #expect(forced.stdout.contains("warning: schedules 'a', 'b' still target it"))
        #expect(try await ws.agents().isEmpty)
    }

    @Test(arguments: [
        (add("--provider", "pigeon"), "--provider: unknown provider 'pigeon'; expected openai or anthropic"),
        (add("--base-url", "ftp://example.com"), "base_url (--base-url): 'ftp://example.com' is not an absolute http or https URL"),
        (add("--base-url", "not a url"), "base_url (--base-url): 'not a url' is not an absolute http or https URL"),
        (add("--api-key-env", "1KEY"), "api_key_env (--api-key-env): give the NAME of the environment variable"),
        (add("--api-key-env", "OPENAI-KEY"), "api_key_env (--api-key-env): give the NAME of the environment variable"),
        (add("--max-turns", "0"), "max_turns (--max-turns): 0 must be between 1 and 1000"),
        (add("--max-turns", "many"), "The value 'many' is invalid for '--max-turns"),
        (add("--input-price", "-1"), "input_price_per_million (--input-price): -1.0 must be between 0 and 1000000"),
        (add("--output-price", "-0.5"), "output_price_per_million (--output-price): -0.5 must be between 0 and 1000000"),
        (add("--approval-mode", "yolo"), "--approval-mode: unknown approval mode 'yolo'; expected deny_dangerous or allow_all"),
        (add("--tool", "two words"), "tools[0] (--tool): 'two words' is not a tool name"),
        (add("--mcp-server", " "), "mcp_servers[0] (--mcp-server): ' ' is not a server name"),
        (add("--model", " "), "model (--model): must not be empty"),
        (add("--system-prompt", "a", "--system-prompt-file", "p.md"), "give either --system-prompt or --system-prompt-file, not both"),
        (add("--system-prompt-file", "missing.md"), "--system-prompt-file: cannot read 'missing.md'"),
        (add("--api-key", "sk-live-123"), "Unknown option '--api-key'"),
        (["agents", "add", "x", "--base-url", "https://api.openai.com/v1"], "missing --model"),
        (["agents", "add", "x", "--model", "m"], "missing --base-url: an openai agent needs its endpoint"),
        (["agents", "add", " ", "--base-url", "https://api.openai.com/v1", "--model", "m"], "name (NAME): must not be empty"),
    ])
    func add_badValue_exits2NamingTheFlag_andStoresNothing(arguments: [String], message: String) async throws {
        let ws = try Workspace()
        let r = try await ws.start(arguments).wait()
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("pacer: "))
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.agents().isEmpty)
    }

    @Test(arguments: ["sk-proj-AbC123xyz", "sk_live_abcdef0123456789", "gsk_abcdefghijklmnop0123456789",
                      "AbCdEf0123456789AbCdEf0123456789xyz"])
    func add_keyGivenAsVariableName_isRefusedWithoutEchoingIt(key: String) async throws {
        let ws = try Workspace()
        let r = try await ws.start(add("--api-key-env", key)).wait()
        #expect(r.status == 2)
        #expect(r.stderr.contains("api_key_env (--api-key-env): give the NAME of the environment variable holding the key"))
        #expect(!r.stderr.contains(key))
        #expect(!r.stdout.contains(key))
        #expect(try await ws.agents().isEmpty)
    }

    @Test func add_takenName_exits2_andKeepsTheFirst() async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        let r = try await ws.pacer("agents", "add", "helper", "--base-url", "https://other.example.com/v1", "--model", "other")
        #expect(r.status == 2)
        #expect(r.stderr.contains("name (NAME): an agent named 'helper' exists already"), "\(r.stderr)")
        #expect(try await ws.agents().map(\.model) == ["llama3.1"])
    }

    @Test(arguments: [
        (["--max-turns", "0"], "max_turns (--max-turns): 0 must be between 1 and 1000"),
        (["--base-url", "nowhere"], "base_url (--base-url): 'nowhere' is not an absolute http or https URL"),
        (["--api-key-env", "sk-abc-123"], "api_key_env (--api-key-env)"),
        (["--name", "other"], "name (--name): an agent named 'other' exists already"),
        (["--input-price", "-2"], "input_price_per_million (--input-price)"),
    ])
    func edit_badValue_exits2_andLeavesTheAgentAsItWas(flags: [String], message: String) async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        #expect(try await ws.pacer("agents", "add", "other", "--base-url", "https://example.com/v1", "--model", "m").status == 0)
        let before = try await ws.agents()
        let r = try await ws.start(["agents", "edit", "helper"] + flags).wait()
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.agents() == before)
    }

    @Test func listAndShow_emptyOrUnknown() async throws {
        let ws = try Workspace()
        let empty = try await ws.pacer("agents", "list")
        #expect(empty.status == 0)
        #expect(empty.stdout == "no agents; add one with pacer agents add\n")
        #expect((try await ws.pacer("agents", "list", "--json").json() as? [Any])?.isEmpty == true)
        for command in [["agents", "show", "nope"], ["agents", "edit", "nope", "--max-turns", "3"], ["agents", "rm", "nope"]] {
            let r = try await ws.start(command).wait()
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("no agent named 'nope'"), "\(r.stderr)")
        }
    }
}
