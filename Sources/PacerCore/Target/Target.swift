/// What a fire runs. On the wire a tagged object: `{"kind": "http", "method": "POST", ...}`.
public enum Target: Sendable, Hashable, Codable {
    /// Start an agent session with a prompt template.
    case agent(AgentTarget)
    /// Send an HTTP request.
    case http(HTTPTarget)
    /// Run a command (when the server allows commands).
    case command(CommandTarget)
    /// Poll until a condition holds.
    case monitor(MonitorSpec)
    /// Run a workflow.
    case workflow(WorkflowTarget)

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case agent, http, command, monitor, workflow
        public static let wireName = "target kind"
    }

    /// The tag of this case.
    public var kind: Kind {
        switch self {
        case .agent: .agent
        case .http: .http
        case .command: .command
        case .monitor: .monitor
        case .workflow: .workflow
        }
    }

    public init(from decoder: any Decoder) throws {
        switch try decoder.kind(Kind.self) {
        case .agent: self = .agent(try AgentTarget(from: decoder))
        case .http: self = .http(try HTTPTarget(from: decoder))
        case .command: self = .command(try CommandTarget(from: decoder))
        case .monitor: self = .monitor(try MonitorSpec(from: decoder))
        case .workflow: self = .workflow(try WorkflowTarget(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .agent(let t): try encoder.encodeKind(kind, t)
        case .http(let t): try encoder.encodeKind(kind, t)
        case .command(let t): try encoder.encodeKind(kind, t)
        case .monitor(let t): try encoder.encodeKind(kind, t)
        case .workflow(let t): try encoder.encodeKind(kind, t)
        }
    }

    func validate(at path: String, into v: inout Validator) {
        switch self {
        case .agent(let t): t.validate(at: path, into: &v)
        case .http(let t): t.validate(at: path, into: &v)
        case .command(let t): t.validate(at: path, into: &v)
        case .monitor(let t): t.validate(at: path, into: &v)
        case .workflow(let t): v.text(t.workflowID, Validator.join(path, "workflow_id"))
        }
    }
}

/// Runs a workflow.
public struct WorkflowTarget: Sendable, Hashable, Codable {
    /// The workflow's id.
    public var workflowID: String
    /// Input handed to the workflow's first step.
    public var input: JSONValue?

    enum CodingKeys: String, CodingKey { case workflowID = "workflow_id", input }

    /// - Parameters:
    ///   - workflowID: the workflow's id.
    ///   - input: input for the first step.
    public init(workflowID: String, input: JSONValue? = nil) {
        self.workflowID = workflowID
        self.input = input
    }
}
