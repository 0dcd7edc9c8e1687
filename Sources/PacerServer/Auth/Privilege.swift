import Foundation
import PacerCore

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
}
