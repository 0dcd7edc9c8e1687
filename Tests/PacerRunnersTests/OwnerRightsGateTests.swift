import Foundation
import PacerCore
import Synchronization
import Testing
import PacerOperations

@Suite struct OwnerRightsGateTests {
    let command = Target.command(CommandTarget(argv: ["/bin/true"]))
    let http = Target.http(HTTPTarget(url: "http://127.0.0.1:1/"))
    let commands = ServerPolicy(allowCommands: true)

    func owned(_ target: Target, by owner: String) -> Schedule {
        var r = request(target)
        r.schedule.owner = owner
        return r.schedule
    }

    func agent(_ mode: Agent.ApprovalMode) -> Agent {
        Agent(id: "agt_1", name: "helper", provider: .openai, baseURL: "http://127.0.0.1:1/v1", model: "m",
              approvalMode: mode, createdAt: t0)
    }

    @Test func tokenOwnerWithoutAdmin_commandTarget_isRefusedPermanentlyNamingOwnerAndScope() async {
        let gate = OwnerRightsGate(policy: commands, tokenScopes: { $0 == "ci" ? [.write, .run] : nil })
        let outcome = await gate.refusal(for: owned(command, by: "ci"))
        #expect(outcome?.status == .failed)
        #expect(outcome?.failure == .permanent)
        #expect(outcome?.error?.contains("'ci'") == true)
        #expect(outcome?.error?.contains("'admin' scope") == true)
    }

    @Test func writeTokenOwner_commandItemSource_isRefused_beforeAnythingRuns() async {
        let gate = OwnerRightsGate(policy: commands, tokenScopes: { _ in [.write] })
        var schedule = owned(http, by: "writer")
        schedule.dispatch = Dispatch(mode: .perItem, source: .command(CommandItemSource(argv: ["/bin/echo", "[]"])))
        let outcome = await gate.refusal(for: schedule)
        #expect(outcome?.failure == .permanent)
        #expect(outcome?.error?.contains("dispatch.source") == true)
    }

    @Test func writeTokenOwner_pollCommandMonitor_isRefused() async {
        let gate = OwnerRightsGate(policy: commands, tokenScopes: { _ in [.write] })
        let monitor = Target.monitor(MonitorSpec(check: .pollCommand(PollCommand(argv: ["/bin/true"]))))
        let outcome = await gate.refusal(for: owned(monitor, by: "writer"))
        #expect(outcome?.error?.contains("target.check") == true)
    }

    @Test func tokenOwnerWithAdmin_orAnOwnerThatIsNoToken_runs_whileTheServerAllowsCommands() async {
        let gate = OwnerRightsGate(policy: commands, tokenScopes: { $0 == "ops" ? [.admin] : nil })
        #expect(await gate.refusal(for: owned(command, by: "ops")) == nil)
        #expect(await gate.refusal(for: owned(command, by: "cli")) == nil)
        let closed = OwnerRightsGate(policy: .closed, tokenScopes: { _ in nil })
        let refused = await closed.refusal(for: owned(command, by: "cli"))
        #expect(refused?.failure == .permanent)
        #expect(refused?.error?.contains("commands are off") == true)
    }

    @Test func environmentVariableNotOnTheList_isRefusedForEveryOwner_evenAdmin() async {
        let policy = ServerPolicy(allowedEnvironment: [.init(name: "HOOK_TOKEN")])
        let gate = OwnerRightsGate(policy: policy, tokenScopes: { _ in nil })
        let allowed = Target.http(HTTPTarget(url: "https://example.com/", headersFromEnv: ["Authorization": "HOOK_TOKEN"]))
        let other = Target.http(HTTPTarget(url: "https://example.com/", headersFromEnv: ["Authorization": "HOME"]))
        #expect(await gate.refusal(for: owned(allowed, by: "cli")) == nil)
        let refused = await gate.refusal(for: owned(other, by: "cli"))
        #expect(refused?.error?.contains("target.headers_from_env.Authorization") == true)
        #expect(refused?.error?.contains("'HOME'") == true)
    }

    @Test func writerOwner_httpTarget_runs_butAnAgentMadeAllowAllLater_isRefused() async {
        let mode = Mutex(Agent.ApprovalMode.denyDangerous)
        let helper = agent(.denyDangerous)
        let gate = OwnerRightsGate(policy: .closed, tokenScopes: { _ in [.write] }, agent: { name in
            var a = helper
            a.approvalMode = mode.withLock { $0 }
            return name == "helper" ? a : nil
        })
        let agentTarget = Target.agent(AgentTarget(agent: "helper", prompt: "hi"))
        #expect(await gate.refusal(for: owned(http, by: "writer")) == nil)
        #expect(await gate.refusal(for: owned(agentTarget, by: "writer")) == nil)
        mode.withLock { $0 = .allowAll }
        let refused = await gate.refusal(for: owned(agentTarget, by: "writer"))
        #expect(refused?.status == .failed)
        #expect(refused?.error?.contains("allow_all") == true)
    }

    @Test func deletedTokenOwner_hasNoScopes_evenAnHTTPTargetIsRefused() async {
        let gate = OwnerRightsGate(policy: .closed, tokenScopes: { _ in [] })
        let outcome = await gate.refusal(for: owned(http, by: "gone"))
        #expect(outcome?.failure == .permanent)
        #expect(outcome?.error?.contains("owner 'gone' was a token that has been deleted") == true)
    }

    @Test func storeThatCannotTell_makesATransientFailure_notAPermanentOne() async {
        struct Down: Error, CustomStringConvertible { var description: String { "database is locked" } }
        let gate = OwnerRightsGate(policy: .closed, tokenScopes: { _ in throw Down() })
        let outcome = await gate.refusal(for: owned(http, by: "writer"))
        #expect(outcome?.failure == .transient)
        #expect(outcome?.error?.contains("database is locked") == true)
    }
}
