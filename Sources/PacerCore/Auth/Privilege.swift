import Foundation

/// Who may write a definition, and whether it may run: the one rule every surface applies
/// when a definition is written (API, MCP, agent tools, CLI, `apply`) and the server applies
/// again at every run.
///
/// * Anything that runs a program (``Reach/programs``: command targets, command item sources,
///   `poll_command` checks, command workflow steps) or calls an MCP tool on its own
///   (`poll_tool`) needs the `admin` scope, and programs also need a server started with
///   `--allow-commands`. An agent allowed every tool unattended (`allow_all`) needs `admin`
///   too. Everything else needs `write`.
/// * Environment variables may be named only when the server's ``ServerPolicy`` lists them
///   (and, for a pinned variable, only towards its destination); files only under its log
///   directory. This holds for every owner, `admin` included.
/// * A schedule runs with its owner's scopes, never more: an owner that is a token's name has
///   that token's scopes at every run; a deleted token's name has none. Owners that are not
///   token names (``reservedOwners``, `agent:NAME`) wrote the store directly or through a tool
///   the agent deny floor guards.
public enum Privilege {
    /// Owner names that belong to Pacer's own surfaces; no token may take them, so a token can
    /// never change the rights of what those surfaces made.
    public static let reservedOwners: Set<String> = ["cli", "mcp", "config", "local"]

    /// Whether `name` is reserved for one of Pacer's own surfaces (``reservedOwners``, any
    /// letter case, or `agent:...`).
    /// - Parameter name: an owner or token name.
    public static func isReserved(_ name: String) -> Bool {
        reservedOwners.contains(name.lowercased()) || name.lowercased().hasPrefix("agent:")
    }

    /// The scope needed to create or change a schedule.
    /// - Parameters:
    ///   - schedule: the definition.
    ///   - agent: the agent an agent target names, when it exists.
    public static func scope(for schedule: Schedule, agent: Agent?) -> Scope {
        if schedule.reach.needsAdmin { return .admin }
        if case .agent = schedule.target, agent?.isPrivileged == true { return .admin }
        return .write
    }

    /// The scope needed to create or change an agent: `admin` for one allowed dangerous tools
    /// unattended (``PacerCore/Agent/isPrivileged``).
    public static func scope(for agent: Agent) -> Scope {
        agent.isPrivileged ? .admin : .write
    }

    /// Why a definition may not be written by a caller with `scopes`, or `nil` when it may.
    /// - Parameters:
    ///   - schedule: the definition.
    ///   - agent: the agent an agent target names, when it exists.
    ///   - scopes: the caller's scopes.
    ///   - policy: the server's settings.
    public static func check(_ schedule: Schedule, agent: Agent?, scopes: Set<Scope>, policy: ServerPolicy) -> Refusal? {
        let reach = schedule.reach
        let needed = scope(for: schedule, agent: agent)
        if !needed.isGranted(by: scopes) {
            let field = reach.programs.first ?? reach.tools.first ?? "target"
            return .forbidden(needed, field: field, "\(describe(schedule, agent: agent)) needs the '\(needed.rawValue)' scope")
        }
        let errors = policyErrors(reach, policy: policy)
        return errors.isEmpty ? nil : .invalid(errors)
    }

    /// Why an agent definition may not be written by this caller, or `nil` when it may.
    /// - Parameters:
    ///   - agent: the new definition.
    ///   - stored: the stored one, when this is a change.
    ///   - caller: the caller's name (a token's name, or a surface's owner name).
    ///   - scopes: the caller's scopes.
    ///   - policy: the server's settings.
    public static func check(_ agent: Agent, replacing stored: Agent?, caller: String, scopes: Set<Scope>,
                             policy: ServerPolicy) -> Refusal? {
        let needed = scope(for: agent)
        if !needed.isGranted(by: scopes) {
            let field = agent.approvalMode == .allowAll ? "approval_mode" : "mcp_safe_servers"
            return .forbidden(needed, field: field,
                              "an agent allowed dangerous tools unattended (allow_all, or MCP servers marked safe) needs the 'admin' scope")
        }
        if let stored, !Scope.admin.isGranted(by: scopes), stored.owner != caller {
            // Where the key goes, which key, and the name schedules find it by belong to the
            // agent's owner.
            for (field, changed) in [("base_url", stored.baseURL != agent.baseURL), ("provider", stored.provider != agent.provider),
                                     ("api_key_env", stored.apiKeyEnv != agent.apiKeyEnv), ("name", stored.name != agent.name)]
            where changed {
                return .forbidden(.admin, field: field,
                                  "changing \(field) of agent '\(stored.name)' needs its owner (\(stored.owner ?? "none recorded")) or the 'admin' scope")
            }
        }
        let errors = policyErrors(agent.reach, policy: policy)
        return errors.isEmpty ? nil : .invalid(errors)
    }

    /// The settings a reach breaks: programs on a server without commands, variables not on
    /// its list (or sent elsewhere than pinned), files outside its log directory.
    /// - Parameters:
    ///   - reach: what a definition reaches.
    ///   - policy: the server's settings.
    public static func policyErrors(_ reach: Reach, policy: ServerPolicy) -> [FieldError] {
        var errors: [FieldError] = []
        if !policy.allowCommands {
            for field in reach.programs {
                errors.append(FieldError(field: field, message: "runs a program, and commands are off on this server (start pacer serve with --allow-commands)"))
            }
        }
        for variable in reach.environment {
            if let why = policy.environmentRefusal(variable.name, destination: variable.destination) {
                errors.append(FieldError(field: variable.field, message: why))
            }
        }
        for file in reach.files {
            if let why = policy.logPathRefusal(file.path) { errors.append(FieldError(field: file.field, message: why)) }
        }
        return errors
    }

    /// Why the owner of a schedule may not run it now, or `nil` when it may: the owner's scopes
    /// (for a token's name) and the server's settings, as they are now.
    /// - Parameters:
    ///   - owner: the schedule's owner.
    ///   - schedule: the definition.
    ///   - agent: the agent an agent target names, when it exists.
    ///   - tokenScopes: the scopes of the token named `owner`, `nil` when the owner is not a token.
    ///   - policy: the server's settings.
    public static func refusal(owner: String, schedule: Schedule, agent: Agent?, tokenScopes: Set<Scope>?,
                               policy: ServerPolicy) -> String? {
        if let tokenScopes {
            let needed = scope(for: schedule, agent: agent)
            if !needed.isGranted(by: tokenScopes) {
                let why = tokenScopes.isEmpty
                    ? "was a token that has been deleted, so it has no scopes"
                    : "is a token without the '\(needed.rawValue)' scope that \(describe(schedule, agent: agent)) needs"
                return "the schedule's owner '\(owner)' \(why); it runs with its owner's scopes, never more"
            }
        }
        var errors = policyErrors(schedule.reach, policy: policy)
        if let agent { errors += policyErrors(agent.reach, policy: policy).map { FieldError(field: "agent \(agent.name): \($0.field)", message: $0.message) } }
        return errors.isEmpty ? nil : "refused by this server's settings: " + errors.map(\.description).joined(separator: "; ")
    }

    private static func describe(_ schedule: Schedule, agent: Agent?) -> String {
        let reach = schedule.reach
        if let field = reach.programs.first { return "running a program (\(field))" }
        if let field = reach.tools.first { return "calling an MCP tool (\(field))" }
        if agent?.isPrivileged == true { return "an agent allowed dangerous tools unattended (allow_all, or MCP servers marked safe)" }
        return "this definition"
    }

    /// Why a caller may not delete an agent, or `nil` when it may: only its owner or an admin,
    /// and, when other owners' schedules target it, only an admin (a writer must not break
    /// what it does not own, nor take the agent's name over from under those schedules).
    /// - Parameters:
    ///   - agent: the agent.
    ///   - targetedBy: the owners of the schedules that target it.
    ///   - caller: the caller's name.
    ///   - scopes: the caller's scopes.
    public static func deletionRefusal(_ agent: Agent, targetedBy owners: Set<String>, caller: String, scopes: Set<Scope>) -> Refusal? {
        if Scope.admin.isGranted(by: scopes) { return nil }
        if agent.owner != caller {
            return .forbidden(.admin, field: "id", "deleting agent '\(agent.name)' needs its owner (\(agent.owner ?? "none recorded")) or the 'admin' scope")
        }
        if let other = owners.subtracting([caller]).sorted().first {
            return .forbidden(.admin, field: "force", "agent '\(agent.name)' is the target of schedules owned by '\(other)'; deleting it needs the 'admin' scope")
        }
        return nil
    }

    /// Why a write was refused.
    public enum Refusal: Sendable, Hashable, Error, CustomStringConvertible {
        /// The caller lacks `scope`; `field` is the part of the definition that needs it.
        case forbidden(Scope, field: String, String)
        /// The server's settings refuse these fields.
        case invalid([FieldError])

        public var description: String {
            switch self {
            case .forbidden(_, let field, let message): "\(field): \(message)"
            case .invalid(let errors): errors.map(\.description).joined(separator: "; ")
            }
        }
    }
}
