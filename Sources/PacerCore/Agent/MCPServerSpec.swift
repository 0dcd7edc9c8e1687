import Foundation

/// An MCP server whose tools agents may use, configured on the server by name (the
/// `mcp_servers:` map of `pacer serve --config`). Agents name it in `mcp_servers`.
///
/// ```yaml
/// mcp_servers:
///   time: {transport: stdio, command: python3, args: [-m, mcp_server_time]}
///   search:
///     transport: http
///     url: https://mcp.example.com/mcp
///     headers_from_env: {Authorization: SEARCH_MCP_AUTH}
/// ```
///
/// Secret header values are never stored: `headers_from_env` maps a header to the NAME of an
/// environment variable of `pacer serve`, read when the connection opens.
public struct MCPServerSpec: Sendable, Hashable, Codable {
    /// How Pacer reaches the server.
    public enum Transport: String, WireEnum {
        /// A child process speaking JSON-RPC on its standard input and output.
        case stdio
        /// The streamable HTTP transport: JSON-RPC messages POSTed to one URL.
        case http
        public static let wireName = "MCP transport"
    }

    /// The name agents use (`[A-Za-z0-9_-]`, so that `name.tool` maps to a wire-safe name).
    public var name: String
    /// How Pacer reaches it.
    public var transport: Transport
    /// `stdio`: the program (a path, or a name looked up on `PATH`).
    public var command: String?
    /// `stdio`: its arguments.
    public var args: [String]
    /// `stdio`: environment variables set for it, over a small inherited base (`PATH`, `HOME`, ...).
    public var env: [String: String]
    /// `stdio`: its working directory; `pacer serve`'s own when `nil`.
    public var cwd: String?
    /// `http`: the endpoint, e.g. `http://127.0.0.1:8000/mcp`.
    public var url: String?
    /// `http`: headers sent with every request.
    public var headers: [String: String]
    /// `http`: headers whose values are read from the named environment variables.
    public var headersFromEnv: [String: String]
    /// Longest wait for the server to start and for one tool call (default 60).
    public var timeoutSeconds: Double

    enum CodingKeys: String, CodingKey {
        case name, transport, command, args, env, cwd, url, headers
        case headersFromEnv = "headers_from_env", timeoutSeconds = "timeout_seconds"
    }

    /// The default of ``timeoutSeconds``.
    public static let defaultTimeoutSeconds: Double = 60

    /// - Parameters:
    ///   - name: the name agents use.
    ///   - transport: `stdio` or `http`.
    ///   - command: `stdio`: the program.
    ///   - args: `stdio`: its arguments.
    ///   - env: `stdio`: its extra environment.
    ///   - cwd: `stdio`: its working directory.
    ///   - url: `http`: the endpoint.
    ///   - headers: `http`: headers.
    ///   - headersFromEnv: `http`: headers read from environment variables.
    ///   - timeoutSeconds: the start and call timeout.
    public init(name: String, transport: Transport, command: String? = nil, args: [String] = [], env: [String: String] = [:],
                cwd: String? = nil, url: String? = nil, headers: [String: String] = [:], headersFromEnv: [String: String] = [:],
                timeoutSeconds: Double = MCPServerSpec.defaultTimeoutSeconds) {
        self.name = name
        self.transport = transport
        self.command = command
        self.args = args
        self.env = env
        self.cwd = cwd
        self.url = url
        self.headers = headers
        self.headersFromEnv = headersFromEnv
        self.timeoutSeconds = timeoutSeconds
    }

    /// A `stdio` server.
    /// - Parameters:
    ///   - name: the name agents use.
    ///   - command: the program.
    ///   - args: its arguments.
    ///   - env: its extra environment.
    ///   - timeoutSeconds: the start and call timeout.
    public static func stdio(_ name: String, command: String, args: [String] = [], env: [String: String] = [:],
                             timeoutSeconds: Double = defaultTimeoutSeconds) -> MCPServerSpec {
        MCPServerSpec(name: name, transport: .stdio, command: command, args: args, env: env, timeoutSeconds: timeoutSeconds)
    }

    /// An `http` server.
    /// - Parameters:
    ///   - name: the name agents use.
    ///   - url: the endpoint.
    ///   - headers: headers.
    ///   - timeoutSeconds: the start and call timeout.
    public static func http(_ name: String, url: String, headers: [String: String] = [:],
                            timeoutSeconds: Double = defaultTimeoutSeconds) -> MCPServerSpec {
        MCPServerSpec(name: name, transport: .http, url: url, headers: headers, timeoutSeconds: timeoutSeconds)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), transport: try c.decode(Transport.self, forKey: .transport),
            command: try c.decodeIfPresent(String.self, forKey: .command),
            args: try c.decodeIfPresent([String].self, forKey: .args) ?? [],
            env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:],
            cwd: try c.decodeIfPresent(String.self, forKey: .cwd), url: try c.decodeIfPresent(String.self, forKey: .url),
            headers: try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            headersFromEnv: try c.decodeIfPresent([String: String].self, forKey: .headersFromEnv) ?? [:],
            timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? Self.defaultTimeoutSeconds)
    }

    /// Whether a text can name an MCP server: 1 to 40 of `A-Z a-z 0-9 _ -`.
    /// - Parameter name: the candidate.
    public static func isServerName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 40 && name.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 45
        }
    }
}

extension MCPServerSpec: Validatable {
    /// Every field error of the server: a name agents can use, the members of its transport
    /// and none of the other's, header and variable names, a timeout of 1 to 3600 seconds.
    public func validate() -> [FieldError] {
        var v = Validator()
        if !Self.isServerName(name) {
            v.fail("name", "'\(name)' is not a server name (1 to 40 letters, digits, _ and -)")
        }
        switch transport {
        case .stdio:
            if let command {
                v.check(!command.trimmingCharacters(in: .whitespaces).isEmpty, "command", "must not be empty")
            } else {
                v.fail("command", "is required for the stdio transport (the program to run)")
            }
            v.environment(env, "env")
            if let cwd { v.check(!cwd.isEmpty, "cwd", "must not be empty") }
            if url != nil { v.fail("url", "is only for the http transport") }
            if !headers.isEmpty { v.fail("headers", "are only for the http transport") }
            if !headersFromEnv.isEmpty { v.fail("headers_from_env", "are only for the http transport") }
        case .http:
            if let url { v.httpURL(url, "url") } else { v.fail("url", "is required for the http transport") }
            v.headers(headers, fromEnv: headersFromEnv, "")
            if command != nil { v.fail("command", "is only for the stdio transport") }
            if !args.isEmpty { v.fail("args", "are only for the stdio transport") }
            if !env.isEmpty { v.fail("env", "is only for the stdio transport") }
            if cwd != nil { v.fail("cwd", "is only for the stdio transport") }
        }
        v.check(timeoutSeconds.isFinite && (1...3600).contains(timeoutSeconds), "timeout_seconds",
                "\(timeoutSeconds) must be between 1 and 3600")
        return v.errors
    }
}
