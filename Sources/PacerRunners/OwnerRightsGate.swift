import Foundation
import PacerCore

/// Lets a run start only while its schedule's owner may run it and the server's settings allow
/// what it reaches (``PacerCore/Privilege/refusal(owner:schedule:agent:tokenScopes:policy:)``):
/// an owner that is a token's name runs with that token's scopes, never more, read at every
/// run, so a token that lost `admin`, or an agent an admin made `allow_all` after a writer
/// scheduled it, stops runs at once. A refusal is a permanent failure naming the owner and the
/// scope or setting; a store that cannot answer makes a transient one (the run is retried),
/// never a permanent one.
public struct OwnerRightsGate: RunGate {
    let tokenScopes: @Sendable (_ owner: String) async throws -> Set<Scope>?
    let agent: @Sendable (_ nameOrID: String) async throws -> Agent?
    let policy: ServerPolicy

    /// - Parameters:
    ///   - policy: the server's settings.
    ///   - tokenScopes: the scopes of the token with this name (empty for a deleted token's
    ///     name), `nil` when the owner is not a token; throws when the store cannot tell.
    ///   - agent: an agent by name or id, `nil` when there is none.
    public init(policy: ServerPolicy, tokenScopes: @escaping @Sendable (_ owner: String) async throws -> Set<Scope>?,
                agent: @escaping @Sendable (_ nameOrID: String) async throws -> Agent? = { _ in nil }) {
        self.policy = policy
        self.tokenScopes = tokenScopes
        self.agent = agent
    }

    public func refusal(for schedule: Schedule) async -> RunOutcome? {
        do {
            let scopes = try await tokenScopes(schedule.owner)
            var named: Agent?
            if case .agent(let target) = schedule.target { named = try await agent(target.agent) }
            guard let why = Privilege.refusal(owner: schedule.owner, schedule: schedule, agent: named, tokenScopes: scopes,
                                              policy: policy) else { return nil }
            return .failed(why, failure: .permanent)
        } catch {
            return .failed("could not read the owner's rights: \(error)", failure: .transient)
        }
    }
}
