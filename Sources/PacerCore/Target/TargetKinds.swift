/// Starts an agent session.
public struct AgentTarget: Sendable, Hashable, Codable {
    /// The agent's id or name.
    public var agent: String
    /// The prompt, a Mustache template (`{{item.title}}`, `{{previous_session.last_text}}`).
    public var prompt: String

    enum CodingKeys: String, CodingKey { case agent, prompt }

    /// - Parameters:
    ///   - agent: the agent's id or name.
    ///   - prompt: the prompt template.
    public init(agent: String, prompt: String) {
        self.agent = agent
        self.prompt = prompt
    }

    func validate(at path: String, into v: inout Validator) {
        v.text(agent, Validator.join(path, "agent"))
        v.text(prompt, Validator.join(path, "prompt"), max: 100_000)
        v.template(prompt, Validator.join(path, "prompt"))
    }
}

/// Sends an HTTP request; success is a 2xx status.
public struct HTTPTarget: Sendable, Hashable, Codable {
    /// The methods accepted.
    public static let methods: [String] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The method, upper case (`GET` by default).
    public var method: String
    /// The absolute http(s) URL.
    public var url: String
    /// Plain request headers.
    public var headers: [String: String]
    /// Secret headers: header name to the NAME of the environment variable holding its value.
    public var headersFromEnv: [String: String]
    /// The body, a Mustache template.
    public var body: String?

    enum CodingKeys: String, CodingKey { case method, url, headers, body, headersFromEnv = "headers_from_env" }

    /// - Parameters:
    ///   - method: the method.
    ///   - url: the URL.
    ///   - headers: plain headers.
    ///   - headersFromEnv: secret headers by environment variable name.
    ///   - body: body template.
    public init(method: String = "GET", url: String, headers: [String: String] = [:],
                headersFromEnv: [String: String] = [:], body: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.headersFromEnv = headersFromEnv
        self.body = body
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(method: try c.decodeIfPresent(String.self, forKey: .method) ?? "GET",
                  url: try c.decode(String.self, forKey: .url),
                  headers: try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
                  headersFromEnv: try c.decodeIfPresent([String: String].self, forKey: .headersFromEnv) ?? [:],
                  body: try c.decodeIfPresent(String.self, forKey: .body))
    }

    func validate(at path: String, into v: inout Validator) {
        v.check(Self.methods.contains(method), Validator.join(path, "method"),
                "'\(method)' is not a known HTTP method; use \(Self.methods.joined(separator: ", "))")
        v.httpURL(url, Validator.join(path, "url"), templated: true)
        v.headers(headers, fromEnv: headersFromEnv, path)
        if let body { v.template(body, Validator.join(path, "body")) }
    }
}

/// Runs a command; success is exit status 0.
public struct CommandTarget: Sendable, Hashable, Codable {
    /// Program and arguments. With ``shell``, `argv[0]` is a script for `/bin/sh -c` and the
    /// rest are its positional parameters.
    public var argv: [String]
    /// Extra environment.
    public var env: [String: String]
    /// Working directory; the server's when `nil`.
    public var workingDir: String?
    /// Run through `/bin/sh -c` (off by default: no shell unless asked).
    public var shell: Bool

    enum CodingKeys: String, CodingKey { case argv, env, shell, workingDir = "working_dir" }

    /// - Parameters:
    ///   - argv: program and arguments.
    ///   - env: extra environment.
    ///   - workingDir: working directory.
    ///   - shell: run through the shell.
    public init(argv: [String], env: [String: String] = [:], workingDir: String? = nil, shell: Bool = false) {
        self.argv = argv
        self.env = env
        self.workingDir = workingDir
        self.shell = shell
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(argv: try c.decode([String].self, forKey: .argv),
                  env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:],
                  workingDir: try c.decodeIfPresent(String.self, forKey: .workingDir),
                  shell: try c.decodeIfPresent(Bool.self, forKey: .shell) ?? false)
    }

    func validate(at path: String, into v: inout Validator) {
        v.argv(argv, Validator.join(path, "argv"))
        v.environment(env, Validator.join(path, "env"))
        if let workingDir {
            v.check(workingDir.hasPrefix("/") && workingDir.utf8.count <= 4096 && !workingDir.utf8.contains(0),
                    Validator.join(path, "working_dir"), "'\(workingDir.prefix(200))' is not an absolute path")
        }
    }
}
