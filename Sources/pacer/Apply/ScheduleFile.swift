import Foundation
import PacerCore
import Yams

/// Schedules as code: a YAML file of agent and schedule definitions, applied to a store by
/// name (`pacer apply -f pacer.yaml`, and `pacer serve --config pacer.yaml` on every start).
///
/// ```yaml
/// if_exists: update            # update (default) | skip | raise
/// mcp_servers:                 # optional; used by `pacer serve --config` (agents name them)
///   time: {transport: stdio, command: uvx, args: [mcp-server-time]}
/// agents:                      # optional; applied before the schedules
///   - name: helper
///     provider: openai         # default; anthropic defaults base_url to the Anthropic API
///     base_url: http://127.0.0.1:11434/v1
///     model: llama3.1
///     api_key_env: OPENAI_API_KEY
/// schedules:
///   - name: ping
///     every: 30s               # shorthands: cron, every, rule, at, timezone
///     target: {kind: http, url: https://example.com/hook}
///   - name: report
///     timing: {rule: "0 9 * * 1-5", timezone: Europe/Berlin}
///     target: {kind: command, argv: [/opt/report.sh]}
///     policies: {overlap: skip, retry: {max_attempts: 3}}
///     if_exists: skip
///   - name: triage
///     every: 15m
///     target: {kind: agent, agent: helper, prompt: "Triage {{item.title}}"}
///     caps: {max_cost: 0.5}
/// ```
///
/// Each schedule is the JSON API's snake_case schedule without `id`, `created_at`,
/// `updated_at` and `revision`; each agent is the API's agent without `id`, `created_at`
/// and `updated_at`. Loading checks every entry and reports every problem with its
/// path (`schedules[2].target.url: ...`); a file with any problem applies nothing.
struct ScheduleFile: Sendable {
    /// What to do with an entry whose name is taken in the store.
    enum IfExists: String, WireEnum {
        /// Replace the stored definition when it differs (a new revision); the default.
        case update
        /// Leave the stored schedule alone.
        case skip
        /// Fail the whole apply.
        case raise
        static let wireName = "if_exists"
    }

    /// One schedule of the file.
    struct Entry: Sendable {
        /// Its position in `schedules`.
        var index: Int
        /// The definition; `id`, `created_at` and `revision` are placeholders until applied.
        var schedule: Schedule
        /// The entry's own `if_exists`, else the file's.
        var ifExists: IfExists
        /// `schedules[3]`.
        var path: String { "schedules[\(index)]" }
    }

    /// Where the file was read from (for messages).
    var source: String
    /// The file's default for entries that exist.
    var ifExists: IfExists
    /// The schedules, in file order.
    var entries: [Entry]
    /// The agents, in file order; applied before the schedules.
    var agents: [AgentEntry] = []
    /// The MCP servers agents may use (`pacer serve --config` starts them; `apply` checks them).
    var mcpServers: [MCPServerSpec] = []
    /// `allow_env`: variables definitions may name, for `pacer serve --config` (like `--allow-env`).
    var allowEnv: [ServerPolicy.AllowedVariable] = []
    /// `log_dir`: where log deliveries may write, for `pacer serve --config` (like `--log-dir`).
    var logDir: String?

    /// Reads and checks a schedule file.
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - owner: the owner of entries that do not name one.
    /// - Throws: ``ScheduleFileError`` listing every problem with its path.
    static func load(_ path: String, owner: String = "cli") throws -> ScheduleFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScheduleFileError(source: path, [FieldError(field: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(yaml: text, source: path, owner: owner)
    }

    /// Parses and checks the text of a schedule file.
    /// - Parameters:
    ///   - yaml: the YAML text.
    ///   - source: where it came from, for messages.
    ///   - owner: the owner of entries that do not name one.
    /// - Throws: ``ScheduleFileError`` listing every problem with its path.
    static func parse(yaml: String, source: String, owner: String = "cli") throws -> ScheduleFile {
        let root: Node?
        do {
            root = try YAMLTree.parse(yaml)
        } catch {
            let message = String(describing: error).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ScheduleFileError(source: source, [FieldError(field: "", message: "not valid YAML: \(message)")])
        }
        var errors: [FieldError] = []
        guard let root, case .mapping = root else {
            throw ScheduleFileError(source: source, [FieldError(field: "", message: "expected a mapping with if_exists and schedules")])
        }
        let top = YAMLTree.value(root, at: "", errors: &errors) as! [String: Any]
        let keys = ["if_exists", "allow_env", "log_dir", "mcp_servers", "agents", "schedules"]
        for key in top.keys.sorted() where !keys.contains(key) {
            errors.append(FieldError(field: key, message: "unknown key; expected if_exists, allow_env, log_dir, mcp_servers, agents or schedules"))
        }
        let allowEnv = Self.allowEnv(top["allow_env"], errors: &errors)
        let logDir = Self.logDir(top["log_dir"], errors: &errors)
        let fileIfExists = ifExists(top["if_exists"], at: "if_exists", errors: &errors) ?? .update
        let mcpServers = Self.mcpServerSpecs(top["mcp_servers"], errors: &errors)
        let agents = agentEntries(top["agents"], fileIfExists: fileIfExists, errors: &errors)
        var entries: [Entry] = []
        switch top["schedules"] {
        case nil, is NSNull:
            let absent = { (key: String) in top[key] == nil || top[key] is NSNull }
            if ["agents", "mcp_servers", "allow_env", "log_dir"].allSatisfy(absent) {
                errors.append(FieldError(field: "schedules", message: "is required (a list of schedules)"))
            }
        case let list as [Any]:
            var seen: [String: Int] = [:]
            for (i, item) in list.enumerated() {
                guard let entry = Self.entry(item, index: i, fileIfExists: fileIfExists, owner: owner, errors: &errors) else { continue }
                if let first = seen[entry.schedule.name] {
                    errors.append(FieldError(field: "\(entry.path).name", message: "'\(entry.schedule.name)' is also the name of schedules[\(first)]"))
                    continue
                }
                seen[entry.schedule.name] = i
                entries.append(entry)
            }
        default:
            errors.append(FieldError(field: "schedules", message: "expected a list of schedules"))
        }
        if !errors.isEmpty { throw ScheduleFileError(source: source, errors) }
        return ScheduleFile(source: source, ifExists: fileIfExists, entries: entries, agents: agents, mcpServers: mcpServers,
                            allowEnv: allowEnv, logDir: logDir)
    }

    /// `allow_env`: a list of `NAME` or `NAME=URL_PREFIX`.
    static func allowEnv(_ value: Any?, errors: inout [FieldError]) -> [ServerPolicy.AllowedVariable] {
        guard let value, !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            errors.append(FieldError(field: "allow_env", message: "expected a list of variable names (NAME or NAME=URL_PREFIX)"))
            return []
        }
        return list.enumerated().compactMap { i, item in
            switch ServerPolicy.AllowedVariable.parse("\(item)") {
            case .success(let variable): return variable
            case .failure(let error):
                errors.append(FieldError(field: "allow_env[\(i)]", message: error.message))
                return nil
            }
        }
    }

    /// `log_dir`: an absolute directory path.
    static func logDir(_ value: Any?, errors: inout [FieldError]) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let path = value as? String, path.hasPrefix("/") else {
            errors.append(FieldError(field: "log_dir", message: "expected an absolute directory path"))
            return nil
        }
        return path
    }

    static func ifExists(_ value: Any?, at path: String, errors: inout [FieldError]) -> IfExists? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String, let choice = IfExists(rawValue: text) else {
            errors.append(FieldError(field: path, message: "unknown if_exists '\(value)'; expected \(IfExists.choices)"))
            return nil
        }
        return choice
    }
}

/// A schedule file that cannot be applied, with every problem found and its path.
struct ScheduleFileError: Error, CustomStringConvertible {
    /// The file.
    let source: String
    /// The problems; `field` is empty for the file as a whole.
    let errors: [FieldError]

    init(source: String, _ errors: [FieldError]) {
        self.source = source
        self.errors = errors
    }

    /// One line per problem: `pacer.yaml: schedules[2].target.url: ...`.
    var lines: [String] {
        errors.map { "\(source): " + ($0.field.isEmpty ? $0.message : $0.description) }
    }

    var description: String { lines.joined(separator: "\n") }
}
