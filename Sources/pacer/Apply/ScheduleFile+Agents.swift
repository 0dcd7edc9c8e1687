import Foundation
import PacerCore
import PacerOperations
import PacerStore

extension ScheduleFile {
    /// One agent of the file's `agents` list.
    struct AgentEntry: Sendable {
        /// Its position in `agents`.
        var index: Int
        /// The definition; `id` and `created_at` are placeholders until applied.
        var agent: Agent
        /// The entry's own `if_exists`, else the file's.
        var ifExists: IfExists
        /// `agents[3]`.
        var path: String { "agents[\(index)]" }
    }

    /// Members of an agent that a file may not set: the store assigns them.
    static let assignedAgentKeys = ["id", "owner", "created_at", "updated_at"]

    /// The file's `agents` list; problems are appended to `errors` with their paths.
    static func agentEntries(_ value: Any?, fileIfExists: IfExists, errors: inout [FieldError]) -> [AgentEntry] {
        guard let value, !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            errors.append(FieldError(field: "agents", message: "expected a list of agents"))
            return []
        }
        var entries: [AgentEntry] = []
        var seen: [String: Int] = [:]
        for (i, item) in list.enumerated() {
            guard let entry = agentEntry(item, index: i, fileIfExists: fileIfExists, errors: &errors) else { continue }
            if let first = seen[entry.agent.name] {
                errors.append(FieldError(field: "\(entry.path).name", message: "'\(entry.agent.name)' is also the name of agents[\(first)]"))
                continue
            }
            seen[entry.agent.name] = i
            entries.append(entry)
        }
        return entries
    }

    /// One entry of `agents`, decoded with the API's Codable type (keys as in its JSON: name,
    /// provider, base_url, model, api_key_env, ...). `provider` defaults to `openai`, and an
    /// `anthropic` agent's `base_url` to the Anthropic API.
    static func agentEntry(_ item: Any, index: Int, fileIfExists: IfExists, errors: inout [FieldError]) -> AgentEntry? {
        let path = "agents[\(index)]"
        guard var object = item as? [String: Any] else {
            errors.append(FieldError(field: path, message: "expected a mapping with name, provider, base_url, model, ..."))
            return nil
        }
        let before = errors.count
        let ifExists = Self.ifExists(object.removeValue(forKey: "if_exists"), at: "\(path).if_exists", errors: &errors) ?? fileIfExists
        for key in assignedAgentKeys where object[key] != nil {
            errors.append(FieldError(field: "\(path).\(key)", message: "is set by the store; agents are matched by name"))
            object[key] = nil
        }
        if errors.count > before { return nil }
        // A key given in place of a variable name is never repeated in a message; the rest of
        // the entry is still checked.
        if let env = object["api_key_env"] as? String, let problem = AgentInput.keyVariableProblem(env) {
            errors.append(FieldError(field: "\(path).api_key_env", message: problem))
            object["api_key_env"] = nil
        }

        var complete = object
        complete["id"] = "agt_pending"
        complete["created_at"] = "1970-01-01T00:00:00Z"
        if complete["provider"] == nil || complete["provider"] is NSNull { complete["provider"] = Agent.Provider.openai.rawValue }
        if complete["provider"] as? String == Agent.Provider.anthropic.rawValue, complete["base_url"] == nil || complete["base_url"] is NSNull {
            complete["base_url"] = AgentInput.anthropicBaseURL
        }
        let agent: Agent
        do {
            let data = try JSONSerialization.data(withJSONObject: complete, options: [.sortedKeys])
            agent = try PacerJSON.decode(Agent.self, from: data)
        } catch {
            errors.append(DecodingProblem.fieldError(error, at: path, words: .yaml))
            return nil
        }
        if let encoded = try? JSONOutput.object(agent) {
            for field in YAMLTree.unknownKeys(object, encoded, at: path) {
                errors.append(FieldError(field: field, message: field == "\(path).api_key"
                    ? "unknown key; an agent never holds the key itself: give api_key_env, the NAME of the variable that does"
                    : "unknown key"))
            }
        }
        for e in agent.validate() {
            errors.append(FieldError(field: YAMLTree.join(path, e.field), message: e.message))
        }
        if errors.count > before { return nil }
        return AgentEntry(index: index, agent: agent, ifExists: ifExists)
    }

    /// What applying each agent entry would do, and the `raise` conflicts.
    func planAgents(_ stored: [String: Agent]) -> (plan: [(AgentEntry, ApplyResult, Agent?)], conflicts: [FieldError]) {
        var plan: [(AgentEntry, ApplyResult, Agent?)] = []
        var conflicts: [FieldError] = []
        for entry in agents {
            let name = entry.agent.name
            guard let current = stored[name] else {
                plan.append((entry, ApplyResult(name: name, action: .created, changes: [], kind: .agent), nil))
                continue
            }
            let changes = AgentText.differences(entry.agent, current)
            let result = { (action: ApplyResult.Action, changes: [String]) in
                ApplyResult(name: name, action: action, scheduleID: current.id, changes: changes, kind: .agent)
            }
            switch entry.ifExists {
            case .raise:
                if changes.isEmpty {
                    plan.append((entry, result(.unchanged, []), current))
                } else {
                    conflicts.append(FieldError(field: "\(entry.path).name", message:
                        "an agent named '\(name)' exists already (if_exists: raise) and differs in \(changes.joined(separator: ", "))"))
                }
            case .skip:
                plan.append((entry, result(.skipped, []), current))
            case .update:
                plan.append((entry, result(changes.isEmpty ? .unchanged : .updated, changes), current))
            }
        }
        return (plan, conflicts)
    }

    /// The schedules whose agent target names no agent of the file or the store.
    func unknownAgentTargets(_ stored: [Agent]) -> [FieldError] {
        let known = Set(agents.map(\.agent.name) + stored.map(\.name) + stored.map(\.id))
        return entries.compactMap { entry in
            guard case .agent(let t) = entry.schedule.target, !known.contains(t.agent) else { return nil }
            return FieldError(field: "\(entry.path).target.agent", message: "no agent named '\(t.agent)' in this file or the store")
        }
    }

    /// What ``PacerCore/Privilege`` refuses in the file, with the entries' paths: the file's
    /// author writes with an admin's scopes, under the server's settings.
    func refusals(_ stored: [Agent], author: String, policy: ServerPolicy) -> [FieldError] {
        var out: [FieldError] = []
        func add(_ refusal: Privilege.Refusal?, _ path: String) {
            switch refusal {
            case nil: break
            case .forbidden(_, let field, let message)?: out.append(FieldError(field: "\(path).\(field)", message: message))
            case .invalid(let errors)?: out += errors.map { FieldError(field: path + "." + $0.field, message: $0.message) }
            }
        }
        for entry in agents {
            add(Privilege.check(entry.agent, replacing: nil, caller: author, scopes: [.admin], policy: policy), entry.path)
        }
        let known = Dictionary(stored.map { ($0.name, $0) } + agents.map { ($0.agent.name, $0.agent) }) { _, file in file }
        for entry in entries {
            var agent: Agent?
            if case .agent(let t) = entry.schedule.target { agent = known[t.agent] ?? stored.first { $0.id == t.agent } }
            add(Privilege.check(entry.schedule, agent: agent, scopes: [.admin], policy: policy), entry.path)
        }
        return out
    }

    /// Writes a planned agent; returns its result with the id filled in.
    static func write(_ entry: AgentEntry, _ planned: ApplyResult, _ current: Agent?, to store: any Store, now: Date,
                      author: String) async throws -> ApplyResult {
        var result = planned
        switch planned.action {
        case .created:
            var a = entry.agent
            a.id = PacerID.make(.agent, at: now)
            a.owner = author
            a.createdAt = now
            a.updatedAt = now
            result.scheduleID = try await store.saveAgent(a).id
        case .updated:
            var a = entry.agent
            a.id = current!.id
            a.owner = current!.owner ?? author
            a.createdAt = current!.createdAt
            a.updatedAt = max(now, current!.updatedAt)
            _ = try await store.saveAgent(a)
        case .unchanged, .skipped:
            break
        }
        return result
    }
}
