import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// An agent definition as the API accepts it: the stored JSON's members; `provider`
/// defaults to `openai` and an `anthropic` agent's `base_url` to the Anthropic API. A value
/// given where the NAME of the key's variable belongs is refused without being repeated,
/// since it may be the key itself.
enum AgentDefinition {
    /// Members the server sets.
    static let assignedKeys = ["id", "owner", "created_at", "updated_at"]

    /// The Anthropic Messages API.
    static let anthropicBaseURL = "https://api.anthropic.com"

    static let shape = "name, provider, base_url, model and optional api_key_env, system_prompt, tools, mcp_servers, mcp_safe_servers, max_turns, prices, approval_mode"

    /// An agent from a complete definition object (server members set), decoded and validated.
    /// - Parameters:
    ///   - object: the definition.
    ///   - input: the members the client sent, checked for unknown keys.
    /// - Throws: ``APIError`` 422 naming every field at fault.
    static func agent(_ object: [String: JSONValue], input: [String: JSONValue]) throws -> Agent {
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
            throw DefinitionDecoding.invalid(errors + [error])
        }
        if let encoded = try? DefinitionJSON.json(agent) {
            var known = input
            known["api_key"] = nil
            if complete["api_key_env"] == nil { known["api_key_env"] = nil }
            for key in assignedKeys { known[key] = nil }
            errors += DefinitionJSON.unknownKeys(.object(known), encoded, at: "").map { FieldError(field: $0, message: "unknown key") }
        }
        errors += agent.validate()
        if !errors.isEmpty { throw DefinitionDecoding.invalid(errors) }
        return agent
    }

    /// Why a value cannot be the name of the key's variable, without repeating the value;
    /// `nil` when it can.
    static func keyVariableProblem(_ name: String) -> String? {
        if name.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) == nil || looksLikeKey(name) {
            return "give the NAME of the environment variable holding the key (such as OPENAI_API_KEY), "
                + "not the key itself; the value given is not a variable name and is not repeated here"
        }
        return nil
    }

    /// Whether a valid-looking variable name is more likely an API key: a known key prefix,
    /// or a long run of letters and digits with no underscore.
    static func looksLikeKey(_ text: String) -> Bool {
        let prefixes = ["sk-", "sk_", "gsk_", "xai-", "AIza", "hf_", "ghp_", "gho_", "github_pat_", "pk-", "pk_", "sk-ant-"]
        if prefixes.contains(where: { text.hasPrefix($0) }) { return true }
        return text.count >= 32 && !text.contains("_") && text.contains(where: \.isNumber) && text.contains(where: \.isLetter)
    }

    /// - Throws: ``APIError`` 403 when the caller may not define the agent (`allow_all` needs
    ///   `admin`; where another owner's agent sends its key needs that owner or `admin`), 422
    ///   when the server's settings refuse its key variable.
    static func requirePrivilege(_ agent: Agent, replacing stored: Agent? = nil, caller: Caller, policy: ServerPolicy) throws {
        if let refusal = Privilege.check(agent, replacing: stored, caller: caller.name, scopes: caller.scopes, policy: policy) {
            throw APIError(refusal)
        }
    }
}

extension Store {
    /// The schedules whose agent target names the agent, by id or by name.
    func schedules(targeting agent: Agent) async throws -> [Schedule] {
        try await schedules().filter {
            guard case .agent(let t) = $0.target else { return false }
            return t.agent == agent.id || t.agent == agent.name
        }
    }
}
