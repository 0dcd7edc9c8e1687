import Foundation
import Testing
@testable import PacerCore

/// The one rule for what a definition reaches: programs, MCP tools, environment variables, files.
@Suite struct PrivilegeTests {
    let open = ServerPolicy(allowCommands: true, allowedEnvironment: [.init(name: "HOOK_TOKEN")], logDirectory: "/var/log/pacer")

    func schedule(_ target: Target, _ change: (inout Schedule) -> Void = { _ in }) -> Schedule {
        var s = Schedule(id: "sch_1", name: "s", owner: "ci", timing: ScheduleTiming(rule: "every 1h"), target: target, createdAt: t0)
        change(&s)
        return s
    }

    let http = Target.http(HTTPTarget(url: "https://example.com/"))

    @Test(arguments: [
        ("command target", Target.command(CommandTarget(argv: ["/bin/true"])), "target"),
        ("poll_command monitor", Target.monitor(MonitorSpec(check: .pollCommand(PollCommand(argv: ["/bin/true"])))), "target.check"),
        ("poll_tool monitor", Target.monitor(MonitorSpec(check: .pollTool(PollTool(server: "s", tool: "t", successField: "ok",
                                                                                   successValues: [true])))), "target.check"),
    ])
    func everythingThatRunsAProgramOrATool_needsAdmin(what: String, target: Target, field: String) {
        let s = schedule(target)
        #expect(Privilege.scope(for: s, agent: nil) == .admin, "\(what)")
        guard case .forbidden(.admin, let at, _)? = Privilege.check(s, agent: nil, scopes: [.write], policy: open) else {
            Issue.record("\(what) was not refused for a writer")
            return
        }
        #expect(at == field)
        #expect(Privilege.check(s, agent: nil, scopes: [.admin], policy: open) == nil)
    }

    @Test func commandItemSource_onAnHTTPSchedule_needsAdmin_andTheServerAllowingCommands() {
        let s = schedule(http) { $0.dispatch = Dispatch(mode: .perItem, source: .command(CommandItemSource(argv: ["/bin/echo", "[]"]))) }
        #expect(Privilege.scope(for: s, agent: nil) == .admin)
        if case .forbidden(_, let field, _)? = Privilege.check(s, agent: nil, scopes: [.write, .run], policy: open) {
            #expect(field == "dispatch.source")
        } else {
            Issue.record("a write token's command item source was not refused")
        }
        guard case .invalid(let errors)? = Privilege.check(s, agent: nil, scopes: [.admin], policy: .closed) else {
            Issue.record("commands off did not refuse an admin's command item source")
            return
        }
        #expect(errors.map(\.field) == ["dispatch.source"])
        #expect(errors[0].message.contains("--allow-commands"))
    }

    @Test func workflowCommandSteps_nestedAnywhere_areReachedPrograms() {
        let step = WorkflowStep(id: "sh", .command(CommandTarget(argv: ["/bin/true"])))
        let workflow = Workflow(id: "wf_1", name: "w", owner: "ci", steps: [
            WorkflowStep(id: "fetch", .http(HTTPTarget(url: "https://example.com/", headersFromEnv: ["Authorization": "HOOK_TOKEN"]))),
            WorkflowStep(id: "loop", .loop(LoopStep(steps: [WorkflowStep(id: "inner", .condition(ConditionStep(
                if: .contains("x"), then: [step])))]))),
        ], createdAt: t0)
        let reach = workflow.reach
        #expect(reach.programs == ["steps[1].steps[0].then[0]"])
        #expect(reach.environment.map(\.field) == ["steps[0].headers_from_env.Authorization"])
        #expect(reach.needsAdmin)
    }

    @Test func environmentVariables_onlyFromTheList_forEveryOwner_withTheFieldNamed() {
        let s = schedule(.http(HTTPTarget(url: "https://example.com/", headersFromEnv: ["Authorization": "HOME"]))) {
            $0.delivery = .slack(SlackDelivery(webhookURLEnv: "SLACK_HOOK"))
        }
        guard case .invalid(let errors)? = Privilege.check(s, agent: nil, scopes: [.admin], policy: open) else {
            Issue.record("variables not on the list were accepted")
            return
        }
        #expect(errors.map(\.field) == ["target.headers_from_env.Authorization", "delivery.webhook_url_env"])
        #expect(errors[0].message.contains("'HOME' is not on this server's list"))
        #expect(errors[0].message.contains("--allow-env HOME"))
    }

    @Test func pinnedVariable_mayOnlyGoToItsDestination() {
        let policy = ServerPolicy(allowedEnvironment: [.init(name: "ANTHROPIC_API_KEY", destination: "https://api.anthropic.com/")])
        var agent = Agent(id: "agt_1", name: "a", provider: .anthropic, baseURL: "https://api.anthropic.com/v1", model: "m",
                          apiKeyEnv: "ANTHROPIC_API_KEY", createdAt: t0)
        #expect(Privilege.check(agent, replacing: nil, caller: "cli", scopes: [.admin], policy: policy) == nil)
        agent.baseURL = "https://attacker.example/v1"
        guard case .invalid(let errors)? = Privilege.check(agent, replacing: nil, caller: "cli", scopes: [.admin], policy: policy) else {
            Issue.record("a pinned key sent elsewhere was accepted")
            return
        }
        #expect(errors.map(\.field) == ["api_key_env"])
        #expect(errors[0].message.contains("may only be sent to https://api.anthropic.com/"))
    }

    @Test func anotherOwnersAgent_whereItsKeyGoes_needsItsOwnerOrAdmin() {
        let stored = Agent(id: "agt_1", name: "claude", owner: "ops", provider: .anthropic, baseURL: "https://api.anthropic.com",
                           model: "m", apiKeyEnv: "HOOK_TOKEN", createdAt: t0)
        var moved = stored
        moved.baseURL = "https://attacker.example"
        let refusal = Privilege.check(moved, replacing: stored, caller: "writer", scopes: [.write], policy: open)
        guard case .forbidden(_, let field, let message)? = refusal else {
            Issue.record("a writer re-pointed an admin's agent")
            return
        }
        #expect(field == "base_url")
        #expect(message.contains("its owner (ops)"))
        #expect(Privilege.check(moved, replacing: stored, caller: "ops", scopes: [.write], policy: open) == nil)
        #expect(Privilege.check(moved, replacing: stored, caller: "root", scopes: [.admin], policy: open) == nil)
        var renamedOnly = stored
        renamedOnly.model = "m2"
        #expect(Privilege.check(renamedOnly, replacing: stored, caller: "writer", scopes: [.write], policy: open) == nil)
    }

    @Test(arguments: [
        ("https://api.anthropic.com", "https://api.anthropic.com/", true),
        ("https://api.anthropic.com/v1/messages", "https://api.anthropic.com", true),
        ("https://API.anthropic.com:443/v1", "https://api.anthropic.com/", true),
        ("https://api.example.com/v1/x", "https://api.example.com/v1", true),
        ("https://api.example.com/v10", "https://api.example.com/v1", false),
        ("https://api.anthropic.com.evil.tld/", "https://api.anthropic.com", false),
        ("https://api.anthropic.com@evil.tld/", "https://api.anthropic.com", false),
        ("https://user@api.anthropic.com/", "https://api.anthropic.com", false),
        ("http://api.anthropic.com/", "https://api.anthropic.com", false),
        ("https://api.anthropic.com:8443/", "https://api.anthropic.com", false),
        ("http://127.0.0.1:18002/x", "http://127.0.0.1:1800", false),
        ("smtp://mail.example.com:587", "smtp://mail.example.com:587", true),
    ])
    func pinnedDestinations_compareOriginsAndWholePathSegments(url: String, pin: String, within: Bool) {
        #expect(ServerPolicy.destination(url, isWithin: pin) == within, "\(url) within \(pin)")
    }

    @Test func agentsThatMarkMCPServersSafe_areAdminOnly_likeAllowAll() {
        var agent = Agent(id: "agt_1", name: "shell", provider: .openai, baseURL: "https://e.com/v1", model: "m",
                          mcpServers: ["shell"], createdAt: t0)
        #expect(Privilege.check(agent, replacing: nil, caller: "w", scopes: [.write], policy: open) == nil)
        agent.mcpSafeServers = ["shell"]
        guard case .forbidden(.admin, let field, _)? = Privilege.check(agent, replacing: nil, caller: "w", scopes: [.write], policy: open) else {
            Issue.record("a writer marked an MCP server safe")
            return
        }
        #expect(field == "mcp_safe_servers")
        #expect(Privilege.scope(for: schedule(.agent(AgentTarget(agent: "shell", prompt: "p"))), agent: agent) == .admin)
    }

    @Test func anotherOwnersAgent_cannotBeRenamedOrDeletedByAWriter() {
        let stored = Agent(id: "agt_1", name: "prod", owner: "ops", provider: .openai, baseURL: "https://e.com/v1", model: "m", createdAt: t0)
        var renamed = stored
        renamed.name = "prod-old"
        if case .forbidden(_, let field, _)? = Privilege.check(renamed, replacing: stored, caller: "w", scopes: [.write], policy: open) {
            #expect(field == "name")
        } else {
            Issue.record("a writer renamed another owner's agent")
        }
        #expect(Privilege.deletionRefusal(stored, targetedBy: [], caller: "w", scopes: [.write]) != nil)
        #expect(Privilege.deletionRefusal(stored, targetedBy: ["config"], caller: "ops", scopes: [.write]) != nil)
        #expect(Privilege.deletionRefusal(stored, targetedBy: ["ops"], caller: "ops", scopes: [.write]) == nil)
        #expect(Privilege.deletionRefusal(stored, targetedBy: ["config"], caller: "root", scopes: [.admin]) == nil)
    }

    @Test(arguments: [
        ("/var/log/pacer/runs.log", nil),
        ("/var/log/pacer/team/runs.log", nil),
        ("/etc/profile", "is not inside the server's log directory /var/log/pacer"),
        ("/var/log/pacer/../../../etc/profile", "must be a plain path"),
        ("/var/log/pacer", "is not inside"),
        ("/var/log/pacerx/runs.log", "is not inside"),
        ("relative.log", "is not an absolute path"),
    ] as [(String, String?)])
    func logFiles_onlyInsideTheLogDirectory(path: String, problem: String?) {
        #expect(open.logPathRefusal(path).map { $0.contains(problem ?? "\u{0}") } ?? true, "\(path)")
        #expect((open.logPathRefusal(path) == nil) == (problem == nil), "\(path)")
        #expect(ServerPolicy.closed.logPathRefusal(path)?.contains("--log-dir") == true)
    }

    @Test func reservedOwnerNames_cannotBeTokenNames_inAnyCase() {
        for name in ["cli", "CLI", "mcp", "config", "Local"] {
            #expect(APIToken.nameErrors(name).first?.message.contains("reserved") == true, "\(name)")
        }
        #expect(Privilege.isReserved("agent:helper"))
        #expect(APIToken.nameErrors("ci") == [])
    }

    @Test func runTime_refusal_readsTheSettingsAsTheyAreNow() {
        let s = schedule(.command(CommandTarget(argv: ["/bin/true"])))
        #expect(Privilege.refusal(owner: "cli", schedule: s, agent: nil, tokenScopes: nil, policy: open) == nil)
        let off = Privilege.refusal(owner: "cli", schedule: s, agent: nil, tokenScopes: nil, policy: .closed)
        #expect(off?.contains("commands are off") == true)
        let writer = Privilege.refusal(owner: "ci", schedule: s, agent: nil, tokenScopes: [.write], policy: open)
        #expect(writer?.contains("owner 'ci' is a token without the 'admin' scope") == true)
    }

    @Test func allowEnvSetting_parsesNamesAndPins_andRefusesTheRest() throws {
        #expect(try ServerPolicy.AllowedVariable.parse("TOKEN").get() == .init(name: "TOKEN"))
        #expect(try ServerPolicy.AllowedVariable.parse("KEY=https://api.example.com/").get()
            == .init(name: "KEY", destination: "https://api.example.com/"))
        #expect(throws: PolicyError.self) { try ServerPolicy.AllowedVariable.parse("1BAD").get() }
        #expect(throws: PolicyError.self) { try ServerPolicy.AllowedVariable.parse("KEY=ftp://x").get() }
    }
}
