/// Polls a URL.
public struct PollURL: Sendable, Hashable, Codable {
    /// The method (`GET` by default).
    public var method: String
    /// The absolute http(s) URL.
    public var url: String
    /// Plain headers.
    public var headers: [String: String]
    /// Secret headers: header name to the NAME of the environment variable holding its value.
    public var headersFromEnv: [String: String]
    /// The status that counts as success (200 by default).
    public var expectedStatus: Int
    /// A further condition on the response body.
    public var condition: Condition?

    enum CodingKeys: String, CodingKey {
        case method, url, headers, condition, headersFromEnv = "headers_from_env", expectedStatus = "expected_status"
    }

    /// - Parameters:
    ///   - method: the method.
    ///   - url: the URL.
    ///   - headers: plain headers.
    ///   - headersFromEnv: secret headers.
    ///   - expectedStatus: success status.
    ///   - condition: condition on the body.
    public init(method: String = "GET", url: String, headers: [String: String] = [:], headersFromEnv: [String: String] = [:],
                expectedStatus: Int = 200, condition: Condition? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.headersFromEnv = headersFromEnv
        self.expectedStatus = expectedStatus
        self.condition = condition
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(method: try c.decodeIfPresent(String.self, forKey: .method) ?? "GET", url: try c.decode(String.self, forKey: .url),
                  headers: try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
                  headersFromEnv: try c.decodeIfPresent([String: String].self, forKey: .headersFromEnv) ?? [:],
                  expectedStatus: try c.decodeIfPresent(Int.self, forKey: .expectedStatus) ?? 200,
                  condition: try c.decodeIfPresent(Condition.self, forKey: .condition))
    }
}

/// Polls a command.
public struct PollCommand: Sendable, Hashable, Codable {
    /// Program and arguments (no shell).
    public var argv: [String]
    /// Extra environment.
    public var env: [String: String]
    /// A further condition on the output.
    public var condition: Condition?

    enum CodingKeys: String, CodingKey { case argv, env, condition }

    /// - Parameters:
    ///   - argv: program and arguments.
    ///   - env: extra environment.
    ///   - condition: condition on the output.
    public init(argv: [String], env: [String: String] = [:], condition: Condition? = nil) {
        self.argv = argv
        self.env = env
        self.condition = condition
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(argv: try c.decode([String].self, forKey: .argv),
                  env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:],
                  condition: try c.decodeIfPresent(Condition.self, forKey: .condition))
    }
}

/// Polls an MCP tool.
public struct PollTool: Sendable, Hashable, Codable {
    /// The MCP server's name.
    public var server: String
    /// The tool.
    public var tool: String
    /// The tool's arguments.
    public var arguments: [String: JSONValue]
    /// Dotted path into the tool's JSON result.
    public var successField: String
    /// Values of that field that mean success.
    public var successValues: [JSONValue]

    enum CodingKeys: String, CodingKey {
        case server, tool, arguments, successField = "success_field", successValues = "success_values"
    }

    /// - Parameters:
    ///   - server: MCP server name.
    ///   - tool: tool name.
    ///   - arguments: arguments.
    ///   - successField: path of the field.
    ///   - successValues: values meaning success.
    public init(server: String, tool: String, arguments: [String: JSONValue] = [:], successField: String, successValues: [JSONValue]) {
        self.server = server
        self.tool = tool
        self.arguments = arguments
        self.successField = successField
        self.successValues = successValues
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(server: try c.decode(String.self, forKey: .server), tool: try c.decode(String.self, forKey: .tool),
                  arguments: try c.decodeIfPresent([String: JSONValue].self, forKey: .arguments) ?? [:],
                  successField: try c.decode(String.self, forKey: .successField),
                  successValues: try c.decode([JSONValue].self, forKey: .successValues))
    }
}
