import Foundation
import PacerCore

/// Runs a target only while the schedule's owner may: an owner that is a token's name runs
/// with that token's scopes, never more (``Privilege/refusal(owner:target:agent:tokenScopes:)``).
/// The rights are read at every run, so a token that lost `admin`, or an agent an admin made
/// `allow_all` after a writer scheduled it, stops runs at once; the refusal is a permanent
/// failure that names the owner and the scope.
public struct OwnerRightsRunner: Runner {
    let inner: any Runner
    let tokenScopes: @Sendable (_ owner: String) async -> Set<Scope>?
    let agent: @Sendable (_ nameOrID: String) async -> Agent?

    /// - Parameters:
    ///   - inner: the runner of the target kind.
    ///   - tokenScopes: the scopes of the token with this name, `nil` when there is none.
    ///   - agent: an agent by name or id, `nil` when there is none.
    public init(_ inner: any Runner, tokenScopes: @escaping @Sendable (_ owner: String) async -> Set<Scope>?,
                agent: @escaping @Sendable (_ nameOrID: String) async -> Agent? = { _ in nil }) {
        self.inner = inner
        self.tokenScopes = tokenScopes
        self.agent = agent
    }

    public func run(_ request: RunRequest) async -> RunOutcome {
        let schedule = request.schedule
        if let scopes = await tokenScopes(schedule.owner) {
            var named: Agent?
            if case .agent(let target) = schedule.target { named = await agent(target.agent) }
            if let refusal = Privilege.refusal(owner: schedule.owner, target: schedule.target, agent: named, tokenScopes: scopes) {
                return .failed(refusal, failure: .permanent)
            }
        }
        return await inner.run(request)
    }
}

extension Runners {
    /// The runners with every target kind's runner behind an ``OwnerRightsRunner``.
    /// - Parameters:
    ///   - tokenScopes: the scopes of the token with this name, `nil` when there is none.
    ///   - agent: an agent by name or id.
    public func checkingOwnerRights(tokenScopes: @escaping @Sendable (String) async -> Set<Scope>?,
                                    agent: @escaping @Sendable (String) async -> Agent?) -> Runners {
        var out = self
        for (kind, runner) in byKind {
            out.byKind[kind] = OwnerRightsRunner(runner, tokenScopes: tokenScopes, agent: agent)
        }
        return out
    }
}
