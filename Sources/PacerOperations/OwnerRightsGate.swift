import Foundation
import PacerCore
import PacerStore

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

    /// The gate of a server over its store: the owner's rights read at every run
    /// (``PacerStore/Store/ownerScopes(_:)``), agents looked up by id or name.
    /// - Parameters:
    ///   - store: the store.
    ///   - policy: the server's settings.
    public init(store: any Store, policy: ServerPolicy) {
        self.init(policy: policy, tokenScopes: { owner in try await store.ownerScopes(owner) },
                  agent: { reference in try await Lookup.agent(reference, in: store) })
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

extension Store {
    /// The scopes a schedule's owner runs with, read now: a token's name has the token's scopes
    /// (none once it is deleted); `agent:NAME` has what its agent may do (`admin` when it is
    /// allowed dangerous tools, else `write` and `run`), never more than the agent's own owner
    /// has, and none once the agent is gone; Pacer's own surfaces (`cli`, `config`, `mcp`,
    /// `local`) are not limited (`nil`).
    /// - Parameter owner: a schedule's owner.
    public func ownerScopes(_ owner: String) async throws -> Set<Scope>? {
        guard owner.lowercased().hasPrefix("agent:") else { return try await tokenScopes(owner) }
        guard let agent = try await agent(named: String(owner.dropFirst("agent:".count))) else { return [] }
        let own: Set<Scope> = agent.isPrivileged ? [.admin] : [.write, .run]
        guard let creator = agent.owner, !creator.lowercased().hasPrefix("agent:"),
              let creatorScopes = try await tokenScopes(creator) else { return own }
        return Set(Scope.allCases.filter { $0.isGranted(by: own) && $0.isGranted(by: creatorScopes) })
    }
}
