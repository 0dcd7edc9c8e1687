import Foundation

/// The scope a schedule's definition needs, so that write access to schedules cannot be
/// turned into wider rights: a command target runs programs on the server, and an agent
/// allowed to use dangerous tools unattended can do the same through them; both need
/// `admin`. Everything else needs `write`. A schedule is owned by the token that created it
/// and runs with what that token was allowed to define.
public enum Privilege {
    /// The scope needed to create or change a schedule with this target.
    /// - Parameters:
    ///   - target: the schedule's target.
    ///   - agent: the agent an agent target names, when it exists.
    public static func scope(for target: Target, agent: Agent?) -> Scope {
        switch target {
        case .command: .admin
        case .agent: agent?.approvalMode == .allowAll ? .admin : .write
        case .http, .monitor, .workflow: .write
        }
    }

    /// The scope needed to create or change an agent.
    public static func scope(for agent: Agent) -> Scope {
        agent.approvalMode == .allowAll ? .admin : .write
    }

    /// Why the owner of a schedule may not run it now, or `nil` when it may: an owner that is
    /// a token's name runs with that token's scopes, never more, even when the definition
    /// (or the agent it names) changed since the owner wrote it; a deleted token's name has
    /// no scopes. Owners that never named a token (`cli`, `config`, `mcp` over stdio,
    /// `agent:...`) wrote the store directly or through a tool the deny floor already guards.
    /// - Parameters:
    ///   - owner: the schedule's owner.
    ///   - target: its target.
    ///   - agent: the agent an agent target names, when it exists.
    ///   - tokenScopes: the scopes of the token named `owner`, `nil` when there is none.
    public static func refusal(owner: String, target: Target, agent: Agent?, tokenScopes: Set<Scope>?) -> String? {
        guard let tokenScopes else { return nil }
        let needed = scope(for: target, agent: agent)
        guard !needed.isGranted(by: tokenScopes) else { return nil }
        let what = switch target {
        case .command: "a command target"
        case .agent: "an agent allowed every tool unattended (allow_all)"
        default: "this target"
        }
        let why = tokenScopes.isEmpty
            ? "was a token that has been deleted, so it has no scopes"
            : "is a token without the '\(needed.rawValue)' scope that \(what) needs"
        return "the schedule's owner '\(owner)' \(why); "
            + "it runs with its owner's scopes, never more"
    }
}
