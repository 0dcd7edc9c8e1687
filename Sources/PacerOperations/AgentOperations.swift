import Foundation
import PacerCore
import PacerStore

/// An agent definition as every surface accepts it: the stored JSON's members; `provider`
/// defaults to `openai` and an `anthropic` agent's `base_url` to the Anthropic API. A value
/// given where the NAME of the key's variable belongs is refused without being repeated,
/// since it may be the key itself.
public enum AgentInput {
    /// Members the server sets.
    public static let assignedKeys = ["id", "owner", "created_at", "updated_at"]

    /// The Anthropic Messages API.
    public static let anthropicBaseURL = "https://api.anthropic.com"

    public static let shape = "name, provider, base_url, model and optional api_key_env, system_prompt, tools, mcp_servers, mcp_safe_servers, max_turns, prices, approval_mode"

    /// An agent from a complete definition object (server members set), decoded and validated.
    /// - Parameters:
    ///   - object: the definition.
    ///   - input: the members the client sent, checked for unknown keys.
    /// - Throws: `ValidationError` naming every field at fault.
    public static func agent(_ object: [String: JSONValue], input: [String: JSONValue]) throws -> Agent {
        var errors: [FieldError] = []
        var complete = object
        if input["api_key"] != nil {
            errors.append(FieldError(field: "api_key", message:
                "unknown key; an agent never holds the key itself: give api_key_env, the NAME of the variable that does"))
        }
        if case .string(let env)? = complete["api_key_env"], let problem = keyVariableProblem(env) {
            errors.append(FieldError(field: "api_key_env", message: problem))
            complete["api_key_env"] = nil
        }
        if complete["provider"] == nil || complete["provider"] == .null { complete["provider"] = .string(Agent.Provider.openai.rawValue) }
        if complete["provider"] == .string(Agent.Provider.anthropic.rawValue), complete["base_url"] == nil || complete["base_url"] == .null {
            complete["base_url"] = .string(anthropicBaseURL)
        }
        let decoded = DefinitionJSON.decode(Agent.self, from: JSONValue.object(complete), at: "")
        guard let agent = decoded.value else {
            var error = decoded.error!
            if error.field == "base_url", error.message == "is required" {
                error.message = "is required for an openai agent: its endpoint, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1"
            }
            throw ValidationError(errors + [error])
        }
        if let encoded = try? DefinitionJSON.json(agent) {
            var known = input
            known["api_key"] = nil
            if complete["api_key_env"] == nil { known["api_key_env"] = nil }
            for key in assignedKeys { known[key] = nil }
            errors += DefinitionJSON.unknownKeys(.object(known), encoded, at: "").map { FieldError(field: $0, message: "unknown key") }
        }
        errors += agent.validate()
        if !errors.isEmpty { throw ValidationError(errors) }
        return agent
    }

    /// Why a value cannot be the name of the key's variable, without repeating the value;
    /// `nil` when it can.
    public static func keyVariableProblem(_ name: String) -> String? {
        if name.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) == nil || looksLikeKey(name) {
            return "give the NAME of the environment variable holding the key (such as OPENAI_API_KEY), "
                + "not the key itself; the value given is not a variable name and is not repeated here"
        }
        return nil
    }

    /// Whether a valid-looking variable name is more likely an API key: a known key prefix,
    /// or a long run of letters and digits with no underscore.
    public static func looksLikeKey(_ text: String) -> Bool {
        let prefixes = ["sk-", "sk_", "gsk_", "xai-", "AIza", "hf_", "ghp_", "gho_", "github_pat_", "pk-", "pk_", "sk-ant-"]
        if prefixes.contains(where: { text.hasPrefix($0) }) { return true }
        return text.count >= 32 && !text.contains("_") && text.contains(where: \.isNumber) && text.contains(where: \.isLetter)
    }
}

/// The agent operations every surface offers, written once over ``AgentInput``.
public enum AgentOperations {
    /// Creates an agent owned by the caller.
    /// - Throws: `ValidationError`, `Privilege.Refusal`, ``OperationError/conflict(field:message:)``
    ///   when the name is taken.
    public static func create(_ definition: [String: JSONValue], in context: OperationContext) async throws -> Agent {
        var object = definition
        for key in AgentInput.assignedKeys { object[key] = nil }
        let now = context.instant
        var complete = object
        complete["id"] = .string(PacerID.make(.agent, at: now))
        complete["owner"] = .string(context.caller.name)
        complete["created_at"] = .string(PacerJSON.format(now))
        complete["updated_at"] = .string(PacerJSON.format(now))
        return try await create(try AgentInput.agent(complete, input: object), in: context)
    }

    /// Creates an agent a surface built itself (the CLI from its flags), owned by the caller.
    /// - Throws: as ``create(_:in:)-(JSONValue)``.
    public static func create(_ agent: Agent, in context: OperationContext) async throws -> Agent {
        var agent = agent
        agent.owner = context.caller.name
        try requirePrivilege(agent, in: context)
        if try await context.store.agent(named: agent.name) != nil {
            throw OperationError.conflict(field: "name", message: "an agent named '\(agent.name)' exists already")
        }
        return try await context.store.saveAgent(agent)
    }

    /// Changes an agent by a JSON merge patch of its definition.
    /// - Throws: as ``create(_:in:)``, and ``OperationError/notFound(kind:reference:)``.
    public static func patch(_ reference: String, with changes: [String: JSONValue], in context: OperationContext) async throws -> Agent {
        let stored = try await agent(reference, in: context)
        var patch = changes
        for key in AgentInput.assignedKeys { patch[key] = nil }
        guard case .object(let merged) = DefinitionJSON.merge(try DefinitionJSON.json(stored), .object(patch)) else {
            throw ValidationError([FieldError(field: "body", message: "must be a JSON object")])
        }
        return try await replace(stored, with: try AgentInput.agent(merged, input: patch), in: context)
    }

    /// Replaces an agent's definition with `edited`, made from `stored`.
    /// - Returns: the agent as stored (`stored` itself when nothing changed).
    public static func replace(_ stored: Agent, with edited: Agent, in context: OperationContext) async throws -> Agent {
        var edited = edited
        edited.id = stored.id
        edited.createdAt = stored.createdAt
        edited.updatedAt = stored.updatedAt
        if edited == stored { return stored }
        try requirePrivilege(edited, replacing: stored, in: context)
        if edited.name != stored.name, try await context.store.agent(named: edited.name) != nil {
            throw OperationError.conflict(field: "name", message: "an agent named '\(edited.name)' exists already")
        }
        edited.updatedAt = max(context.instant, stored.updatedAt)
        return try await context.store.saveAgent(edited)
    }

    /// Deletes an agent; one that schedules target is kept unless `force`.
    /// - Throws: `Privilege.Refusal`, ``OperationError/conflict(field:message:)`` naming the
    ///   schedules, ``OperationError/notFound(kind:reference:)``.
    @discardableResult
    public static func delete(_ reference: String, force: Bool, in context: OperationContext) async throws -> Agent {
        let agent = try await agent(reference, in: context)
        let users = try await context.store.schedules().filter {
            guard case .agent(let t) = $0.target else { return false }
            return t.agent == agent.id || t.agent == agent.name
        }
        if let refusal = Privilege.deletionRefusal(agent, targetedBy: Set(users.map(\.owner)), caller: context.caller.name,
                                                   scopes: context.caller.scopes) {
            throw refusal
        }
        if !users.isEmpty, !force {
            let names = users.prefix(10).map { "'\($0.name)'" }.joined(separator: ", ") + (users.count > 10 ? ", ..." : "")
            throw OperationError.conflict(field: nil, message: "agent '\(agent.name)' is the target of \(users.count == 1 ? "schedule" : "schedules") \(names); "
                                          + "change or delete those first, or give force=true")
        }
        guard try await context.store.deleteAgent(id: agent.id) else { throw OperationError.notFound(kind: "agent", reference: reference) }
        return agent
    }

    /// The agent with that id, or else that name.
    /// - Throws: ``OperationError/notFound(kind:reference:)``.
    public static func agent(_ reference: String, in context: OperationContext) async throws -> Agent {
        if let a = try await Lookup.agent(reference, in: context.store) { return a }
        throw OperationError.notFound(kind: "agent", reference: reference)
    }

    /// Refuses an agent the caller may not define (`allow_all` needs `admin`; where another
    /// owner's agent sends its key needs that owner or `admin`; the server's settings bound
    /// its key variable).
    /// - Throws: `Privilege.Refusal`.
    public static func requirePrivilege(_ agent: Agent, replacing stored: Agent? = nil, in context: OperationContext) throws {
        if let refusal = Privilege.check(agent, replacing: stored, caller: context.caller.name, scopes: context.caller.scopes,
                                         policy: context.policy) {
            throw refusal
        }
    }
}
