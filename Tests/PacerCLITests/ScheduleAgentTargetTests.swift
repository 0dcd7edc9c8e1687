import Foundation
import PacerCore
import PacerStore
import Testing

/// `schedule add` arguments for an agent schedule `x` of `helper`, with `extra` flags.
private func addAgent(_ extra: String...) -> [String] {
    var args = ["schedule", "add", "--name", "x", "--every", "1h"]
    if !extra.contains("--agent") { args += ["--agent", "helper"] }
    if !extra.contains("--prompt") && !extra.contains("--prompt-file") && extra.contains("--agent") == false { args += ["--prompt", "hi"] }
    return args + extra
}

@Suite struct ScheduleAgentTargetTests {
    @Test func add_agentPromptCapsAndNotify_areStored() async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        let r = try await ws.pacer(
            "schedule", "add", "--name", "triage", "--every", "15m", "--agent", "helper",
            "--prompt", "Triage {{item.title}}; before: {{previous_session.last_text}}",
            "--per-item", "--items-url", "https://example.com/issues", "--item-key", "id",
            "--notify", "webhook:https://example.com/started", "--max-resumes", "10", "--max-lifetime", "12h",
            "--max-tokens", "200000", "--max-cost", "0.75")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try await ws.schedules().first)
        #expect(s.target == .agent(AgentTarget(agent: "helper", prompt: "Triage {{item.title}}; before: {{previous_session.last_text}}")))
        #expect(s.caps == Caps(maxResumes: 10, maxLifetimeHours: 12, maxTotalTokens: 200_000, maxCost: 0.75))
        #expect(s.dispatch.notify == .webhook(WebhookDelivery(url: "https://example.com/started")))
        #expect(s.dispatch.mode == .perItem)

        let show = try await ws.pacer("schedule", "show", "triage")
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.rows.contains(["Target:", "agent helper"]), "\(show.stdout)")
        #expect(show.rows.contains(["Prompt:", "Triage {{item.title}}; before: {{previous_session.last_text}}"]))
        #expect(show.rows.contains(["Caps:", "max_resumes 10, max_lifetime 12h, max_total_tokens 200000, max_cost 0.7500"]))
        #expect(show.rows.contains(["Notify:", "webhook https://example.com/started (when an item's run starts)"]))
        let json = try await ws.show("triage")
        #expect((json["caps"] as? [String: Any])?["max_lifetime_hours"] as? Double == 12)
        #expect((json["target"] as? [String: Any])?["kind"] as? String == "agent")
    }

    @Test func add_lifetimeInDays_andPromptFile_storeHoursAndText() async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        try ws.write("digest.md", "Summarise {{today}}.\n")
        let r = try await ws.pacer("schedule", "add", "--name", "digest", "--cron", "0 8 * * *", "--agent", "helper",
                             "--prompt-file", "digest.md", "--max-lifetime", "30d")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try await ws.schedules().first)
        #expect(s.target == .agent(AgentTarget(agent: "helper", prompt: "Summarise {{today}}.\n")))
        #expect(s.caps == Caps(maxLifetimeHours: 720))
        let show = try await ws.pacer("schedule", "show", "digest")
        #expect(show.stdout.contains("max_resumes 50 (default), max_lifetime 30d, max_total_tokens 1000000 (default), max_cost 5.0000 (default)"),
                "\(show.stdout)")
    }

    @Test func edit_promptAlone_changesThePrompt_andDefaultClearsCaps() async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        #expect(try await ws.pacer("agents", "add", "other", "--provider", "anthropic", "--model", "claude-sonnet-4-5").status == 0)
        let add = try await ws.start(addAgent("--prompt", "v1", "--max-cost", "1", "--max-resumes", "3", "--per-item",
                                        "--items-json", "[1]", "--notify", "stdout")).wait()
        #expect(add.status == 0, "\(add.stderr)")

        let edit = try await ws.pacer("schedule", "edit", "x", "--prompt", "v2 {{item}}", "--max-cost", "default", "--notify", "none")
        #expect(edit.status == 0, "\(edit.stderr)")
        var s = try #require(try await ws.schedules().first)
        #expect(s.target == .agent(AgentTarget(agent: "helper", prompt: "v2 {{item}}")))
        #expect(s.caps == Caps(maxResumes: 3))
        #expect(s.dispatch.notify == nil)
        #expect(s.revision == 2)

        let switchAgent = try await ws.pacer("schedule", "edit", "x", "--agent", "other")
        #expect(switchAgent.status == 0, "\(switchAgent.stderr)")
        s = try #require(try await ws.schedules().first)
        #expect(s.target == .agent(AgentTarget(agent: "other", prompt: "v2 {{item}}")))  // the prompt is kept

        let toHTTP = try await ws.pacer("schedule", "edit", "x", "--http", "https://example.com/hook")
        #expect(toHTTP.status == 0, "\(toHTTP.stderr)")
        #expect(try await ws.schedules().first?.target == .http(HTTPTarget(url: "https://example.com/hook")))
    }

    @Test(arguments: [
        (addAgent("--agent", "nobody", "--prompt", "hi"), "target.agent (--agent): no agent named 'nobody'"),
        (addAgent("--prompt", "{{#open}}"), "target.prompt (--prompt): template does not compile"),
        (addAgent("--prompt", "  "), "target.prompt (--prompt): must not be empty"),
        (addAgent("--agent", "helper"), "--agent: give the prompt with --prompt TEXT or --prompt-file PATH"),
        (addAgent("--prompt-file", "missing.md"), "--prompt-file: cannot read 'missing.md'"),
        (addAgent("--prompt", "a", "--prompt-file", "b.md"), "give either --prompt or --prompt-file, not both"),
        (addAgent("--prompt", "hi", "--http", "https://example.com"), "give only one of --http, --command and --agent"),
        (addAgent("--prompt", "hi", "--method", "POST"), "--method: the target is not an HTTP request"),
        (addAgent("--max-resumes", "0"), "caps.max_resumes (--max-resumes): 0 must be between 1 and 1000000"),
        (addAgent("--max-resumes", "few"), "--max-resumes: 'few' is not a whole number"),
        (addAgent("--max-lifetime", "forever"), "--max-lifetime: 'forever' is not a duration such as 12h or 30d"),
        (addAgent("--max-lifetime", "0h"), "caps.max_lifetime_hours (--max-lifetime): 0.0 must be more than 0"),
        (addAgent("--max-tokens", "0"), "caps.max_total_tokens (--max-tokens): 0 must be between 1 and 1000000000000"),
        (addAgent("--max-cost", "0"), "caps.max_cost (--max-cost): 0.0 must be more than 0"),
        (addAgent("--max-cost", "cheap"), "--max-cost: 'cheap' is not an amount"),
        (addAgent("--notify", "pigeon"), "--notify: 'pigeon' is not none, stdout, log:/abs/path, webhook:URL or slack:URL"),
        (addAgent("--notify", "webhook:https://example.com"), "dispatch.notify (--notify): only per_item dispatch notifies"),
        (addAgent("--per-item", "--items-json", "[1]", "--notify", "webhook:nowhere"), "dispatch.notify.url (--notify): 'nowhere' is not an absolute http or https URL"),
        (["schedule", "add", "--name", "x", "--every", "1h", "--prompt", "hi"], "missing a target: give --http URL or --command CMD, or --agent NAME"),
        (["schedule", "add", "--name", "x", "--every", "1h", "--http", "https://e.com", "--prompt", "hi"], "--prompt: the target is not an agent; give --agent NAME"),
    ])
    func add_badAgentTarget_exits2NamingTheFlag_andStoresNothing(arguments: [String], message: String) async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        let r = try await ws.start(arguments).wait()
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("pacer: "))
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules().isEmpty)
    }

    @Test(arguments: [
        (["--agent", "nobody"], "target.agent (--agent): no agent named 'nobody'"),
        (["--prompt", "{{/close}}"], "target.prompt (--prompt): template does not compile"),
        (["--max-cost=-1"], "caps.max_cost (--max-cost): -1.0 must be more than 0"),
        (["--notify", "stdout"], "dispatch.notify (--notify): only per_item dispatch notifies"),
    ])
    func edit_badAgentFlag_exits2_andLeavesTheScheduleAsItWas(flags: [String], message: String) async throws {
        let ws = try Workspace()
        try await ws.addHelper()
        #expect(try await ws.start(addAgent()).wait().status == 0)
        let before = try await ws.schedules()
        let r = try await ws.start(["schedule", "edit", "x"] + flags).wait()
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules() == before)
    }
}
