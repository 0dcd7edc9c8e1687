/// What a definition reaches beyond plain HTTP, field by field: programs it runs, tools of MCP
/// servers it calls on its own, environment variables it reads (and where their values go),
/// files it writes. ``Privilege`` decides from it who may write the definition and whether a
/// server's ``ServerPolicy`` lets it run; the agent deny floor counts any of it as dangerous.
public struct Reach: Sendable, Hashable {
    /// An environment variable a definition names.
    public struct Variable: Sendable, Hashable {
        /// The wire path of the field that names it (`target.headers_from_env.Authorization`).
        public var field: String
        /// The variable's name.
        public var name: String
        /// Where its value is sent (a URL), when it goes over HTTP.
        public var destination: String?
    }

    /// A file a definition writes.
    public struct File: Sendable, Hashable {
        /// The wire path of the field (`delivery.path`).
        public var field: String
        /// The file's path.
        public var path: String
    }

    /// Fields that run a program on the server (command targets, item sources, checks, steps).
    public var programs: [String] = []
    /// Fields that call an MCP server's tool outside an agent session (a `poll_tool` check).
    public var tools: [String] = []
    /// Environment variables named.
    public var environment: [Variable] = []
    /// Files written.
    public var files: [File] = []

    /// - Parameters:
    ///   - programs: fields that run programs.
    ///   - tools: fields that call MCP tools.
    ///   - environment: variables named.
    ///   - files: files written.
    public init(programs: [String] = [], tools: [String] = [], environment: [Variable] = [], files: [File] = []) {
        self.programs = programs
        self.tools = tools
        self.environment = environment
        self.files = files
    }

    /// Whether the definition reaches nothing beyond plain HTTP.
    public var isEmpty: Bool { programs.isEmpty && tools.isEmpty && environment.isEmpty && files.isEmpty }

    /// Whether only an `admin` may write it: it runs programs or calls MCP tools.
    public var needsAdmin: Bool { !programs.isEmpty || !tools.isEmpty }

    mutating func add(_ other: Reach) {
        programs += other.programs
        tools += other.tools
        environment += other.environment
        files += other.files
    }

    mutating func secrets(_ headers: [String: String], at path: String, destination: String) {
        for (header, variable) in headers.sorted(by: { $0.key < $1.key }) {
            environment.append(Variable(field: Validator.join(path, "headers_from_env.\(header)"), name: variable,
                                        destination: destination))
        }
    }
}

extension Schedule {
    /// What the schedule reaches: its target, item source, notify hook and delivery.
    public var reach: Reach {
        var r = target.reach(at: "target")
        if let source = dispatch.source { r.add(source.reach(at: "dispatch.source")) }
        if let notify = dispatch.notify { r.add(notify.reach(at: "dispatch.notify")) }
        r.add(delivery.reach(at: "delivery"))
        return r
    }
}

extension Agent {
    /// What the agent reaches: the variable holding its key, sent to its base URL.
    public var reach: Reach {
        guard let apiKeyEnv else { return Reach() }
        return Reach(environment: [Reach.Variable(field: "api_key_env", name: apiKeyEnv, destination: baseURL)])
    }
}

extension Workflow {
    /// What the workflow's steps reach, under `steps[i]...`.
    public var reach: Reach {
        var r = Reach()
        for (i, step) in steps.enumerated() { r.add(step.reach(at: "steps[\(i)]")) }
        return r
    }
}

extension WorkflowStep {
    /// What this step and the steps nested in it reach.
    /// - Parameter path: the step's wire path.
    public func reach(at path: String) -> Reach {
        let f = { (name: String) in Validator.join(path, name) }
        func list(_ steps: [WorkflowStep], _ name: String) -> Reach {
            var r = Reach()
            for (i, s) in steps.enumerated() { r.add(s.reach(at: f("\(name)[\(i)]"))) }
            return r
        }
        switch action {
        case .agent: return Reach()
        case .http(let t): return Target.http(t).reach(at: path)
        case .command: return Reach(programs: [path])
        case .sequence(let s), .parallel(let s): return list(s, "steps")
        case .loop(let l): return list(l.steps, "steps")
        case .router(let router):
            var r = Reach()
            for (i, b) in router.branches.enumerated() {
                for (j, s) in b.steps.enumerated() { r.add(s.reach(at: f("branches[\(i)].steps[\(j)]"))) }
            }
            r.add(list(router.otherwise ?? [], "otherwise"))
            return r
        case .condition(let c):
            var r = list(c.then, "then")
            r.add(list(c.else, "else"))
            return r
        }
    }
}

extension Target {
    /// What the target reaches (an agent target's agent is checked on its own).
    /// - Parameter path: the target's wire path.
    public func reach(at path: String) -> Reach {
        switch self {
        case .agent, .workflow: return Reach()
        case .command: return Reach(programs: [path])
        case .http(let t):
            var r = Reach()
            r.secrets(t.headersFromEnv, at: path, destination: t.url)
            return r
        case .monitor(let spec): return spec.check.reach(at: Validator.join(path, "check"))
        }
    }
}

extension MonitorCheck {
    /// What the check reaches.
    /// - Parameter path: the check's wire path.
    public func reach(at path: String) -> Reach {
        switch self {
        case .pollCommand: return Reach(programs: [path])
        case .pollTool: return Reach(tools: [path])
        case .pollURL(let p):
            var r = Reach()
            r.secrets(p.headersFromEnv, at: path, destination: p.url)
            return r
        case .delay: return Reach()
        }
    }
}

extension ItemSource {
    /// What the item source reaches.
    /// - Parameter path: the source's wire path.
    public func reach(at path: String) -> Reach {
        switch self {
        case .static: return Reach()
        case .command: return Reach(programs: [path])
        case .http(let endpoint):
            var r = Reach()
            r.secrets(endpoint.headersFromEnv, at: path, destination: endpoint.url)
            return r
        }
    }
}

extension Delivery {
    /// What the delivery reaches: the file of a `log`, the variables of secret headers and
    /// credentials.
    /// - Parameter path: the delivery's wire path.
    public func reach(at path: String) -> Reach {
        let f = { (name: String) in Validator.join(path, name) }
        var r = Reach()
        switch self {
        case .none, .stdout: break
        case .log(let d): r.files.append(Reach.File(field: f("path"), path: d.path))
        case .webhook(let d): r.secrets(d.headersFromEnv, at: path, destination: d.url)
        case .slack(let d):
            // The variable holds the webhook URL itself: it has no other destination.
            if let env = d.webhookURLEnv { r.environment.append(Reach.Variable(field: f("webhook_url_env"), name: env)) }
        case .telegram(let d):
            r.environment.append(Reach.Variable(field: f("bot_token_env"), name: d.botTokenEnv, destination: d.baseURL))
        case .email(let d):
            if let env = d.passwordEnv {
                r.environment.append(Reach.Variable(field: f("password_env"), name: env,
                                                    destination: "smtp://\(d.smtpHost):\(d.smtpPort)"))
            }
        }
        return r
    }
}
