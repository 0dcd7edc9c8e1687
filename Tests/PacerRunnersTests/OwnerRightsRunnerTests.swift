import Foundation
import PacerCore
import Synchronization
import Testing
@testable import PacerRunners

/// A runner that records that it ran.
private final class CountingRunner: Runner, Sendable {
    let count = Mutex(0)
    func run(_ request: RunRequest) async -> RunOutcome {
        count.withLock { $0 += 1 }
        return .succeeded(output: "ran")
    }
    var runs: Int { count.withLock { $0 } }
}

@Suite struct OwnerRightsRunnerTests {
    let command = Target.command(CommandTarget(argv: ["/bin/true"]))
    let http = Target.http(HTTPTarget(url: "http://127.0.0.1:1/"))

    func owned(_ target: Target, by owner: String) -> RunRequest {
        var r = request(target)
        r.schedule.owner = owner
        return r
    }

    func agent(_ mode: Agent.ApprovalMode) -> Agent {
        Agent(id: "agt_1", name: "helper", provider: .openai, baseURL: "http://127.0.0.1:1/v1", model: "m",
              approvalMode: mode, createdAt: t0)
    }

    @Test func tokenOwnerWithoutAdmin_commandTarget_failsPermanentlyNamingOwnerAndScope_andNeverRuns() async {
        let inner = CountingRunner()
        let runner = OwnerRightsRunner(inner, tokenScopes: { $0 == "ci" ? [.write, .run] : nil })
        let outcome = await runner.run(owned(command, by: "ci"))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("'ci'") == true)
        #expect(outcome.error?.contains("'admin' scope") == true)
        #expect(inner.runs == 0)
    }

    @Test func tokenOwnerWithAdmin_orAnOwnerThatIsNoToken_runs() async {
        let inner = CountingRunner()
        let runner = OwnerRightsRunner(inner, tokenScopes: { $0 == "ops" ? [.admin] : nil })
        #expect(await runner.run(owned(command, by: "ops")).status == .succeeded)
        #expect(await runner.run(owned(command, by: "cli")).status == .succeeded)
        #expect(inner.runs == 2)
    }

    @Test func writerOwner_httpTarget_runs_butAnAgentMadeAllowAllLater_isRefused() async {
        let inner = CountingRunner()
        let mode = Mutex(Agent.ApprovalMode.denyDangerous)
        let helper = agent(.denyDangerous)
        let runner = OwnerRightsRunner(inner, tokenScopes: { _ in [.write] }, agent: { name in
            var a = helper
            a.approvalMode = mode.withLock { $0 }
            return name == "helper" ? a : nil
        })
        let agentTarget = Target.agent(AgentTarget(agent: "helper", prompt: "hi"))
        #expect(await runner.run(owned(http, by: "writer")).status == .succeeded)
        #expect(await runner.run(owned(agentTarget, by: "writer")).status == .succeeded)
        mode.withLock { $0 = .allowAll }
        let refused = await runner.run(owned(agentTarget, by: "writer"))
        #expect(refused.status == .failed)
        #expect(refused.error?.contains("allow_all") == true)
        #expect(inner.runs == 2)
    }

    @Test func deletedTokenOwner_hasNoScopes_evenAnHTTPTargetIsRefused() async {
        let inner = CountingRunner()
        let runner = OwnerRightsRunner(inner, tokenScopes: { _ in [] })
        let outcome = await runner.run(owned(http, by: "gone"))
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("owner 'gone' was a token that has been deleted") == true)
        #expect(inner.runs == 0)
    }

    @Test func checkingOwnerRights_wrapsEveryKind() async {
        let inner = CountingRunner()
        let runners = Runners(byKind: [.command: inner, .http: inner]).checkingOwnerRights(tokenScopes: { _ in [.read] }, agent: { _ in nil })
        #expect(runners.byKind.values.allSatisfy { $0 is OwnerRightsRunner })
        #expect(await runners.byKind[.http]!.run(owned(http, by: "reader")).status == .failed)
        #expect(inner.runs == 0)
    }
}
