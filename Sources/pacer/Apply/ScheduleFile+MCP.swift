import Foundation
import PacerCore

extension ScheduleFile {
    /// The file's `mcp_servers` map (server name to spec), used by `pacer serve --config`;
    /// `pacer apply` checks it and leaves it alone. Problems are appended to `errors` with
    /// their paths (`mcp_servers.time.command`).
    ///
    /// ```yaml
    /// mcp_servers:
    ///   time: {transport: stdio, command: python3, args: [-m, mcp_server_time]}
    ///   search: {transport: http, url: "https://mcp.example.com/mcp", headers_from_env: {Authorization: SEARCH_TOKEN}}
    /// ```
    static func mcpServerSpecs(_ value: Any?, errors: inout [FieldError]) -> [MCPServerSpec] {
        guard let value, !(value is NSNull) else { return [] }
        guard let map = value as? [String: Any] else {
            errors.append(FieldError(field: "mcp_servers", message: "expected a mapping of server names to servers"))
            return []
        }
        return map.keys.sorted().compactMap { name in mcpServerSpec(name, map[name]!, errors: &errors) }
    }

    /// One server of `mcp_servers`, decoded with its Codable type (keys as in its JSON:
    /// transport, command, args, env, cwd, url, headers, headers_from_env, timeout_seconds).
    static func mcpServerSpec(_ name: String, _ item: Any, errors: inout [FieldError]) -> MCPServerSpec? {
        let path = YAMLTree.join("mcp_servers", name)
        guard var object = item as? [String: Any] else {
            errors.append(FieldError(field: path, message: "expected a mapping with transport and command (stdio) or url (http)"))
            return nil
        }
        let before = errors.count
        if let given = object["name"], !(given is NSNull), given as? String != name {
            errors.append(FieldError(field: "\(path).name", message: "is the map key '\(name)'; leave it out or repeat the key"))
        }
        object["name"] = name
        // Numbers and flags in argument lists and variable values are meant as text.
        if let args = object["args"] as? [Any] { object["args"] = args.map(text) }
        for key in ["env", "headers"] {
            if let map = object[key] as? [String: Any] { object[key] = map.mapValues(text) }
        }
        let spec: MCPServerSpec
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            spec = try PacerJSON.decode(MCPServerSpec.self, from: data)
        } catch {
            errors.append(DecodingProblem.fieldError(error, at: path, words: .yaml))
            return nil
        }
        if let encoded = try? JSONOutput.object(spec) {
            for field in YAMLTree.unknownKeys(object, encoded, at: path) {
                errors.append(FieldError(field: field, message: "unknown key"))
            }
        }
        for e in spec.validate() where e.field != "name" || errors.count == before {
            errors.append(FieldError(field: YAMLTree.join(path, e.field), message: e.message))
        }
        return errors.count > before ? nil : spec
    }

    /// A YAML scalar as text (`8080` for an argument, `true` for a variable).
    private static func text(_ value: Any) -> Any {
        switch value {
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let d as Double: return String(d)
        default: return value
        }
    }
}
