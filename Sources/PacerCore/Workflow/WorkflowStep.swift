/// One step of a workflow: an action (agent, http, command) or a composition of steps. On the
/// wire a tagged object: `{"id": "fetch", "kind": "http", "url": ...}`,
/// `{"id": "both", "kind": "parallel", "steps": [...]}`.
public struct WorkflowStep: Sendable, Hashable, Codable {
    /// What the step does.
    public enum Action: Sendable, Hashable {
        /// An agent turn.
        case agent(AgentTarget)
        /// An HTTP request.
        case http(HTTPTarget)
        /// A command.
        case command(CommandTarget)
        /// Steps one after another; each sees the previous output.
        case sequence([WorkflowStep])
        /// Steps at the same time; the output is the list of outputs.
        case parallel([WorkflowStep])
        /// Steps repeated until a condition holds or `max_iterations`.
        case loop(LoopStep)
        /// The first branch whose condition holds (or the agent's choice).
        case router(RouterStep)
        /// If / else.
        case condition(ConditionStep)
    }

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case agent, http, command, sequence, parallel, loop, router, condition
        public static let wireName = "step kind"
    }

    /// Unique within the workflow; step records refer to it.
    public var id: String
    /// What it does.
    public var action: Action

    /// - Parameters:
    ///   - id: unique step id.
    ///   - action: what it does.
    public init(id: String, _ action: Action) {
        self.id = id
        self.action = action
    }

    /// The tag of the action.
    public var kind: Kind {
        switch action {
        case .agent: .agent
        case .http: .http
        case .command: .command
        case .sequence: .sequence
        case .parallel: .parallel
        case .loop: .loop
        case .router: .router
        case .condition: .condition
        }
    }

    private enum Keys: String, CodingKey { case id, steps }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        id = try c.decode(String.self, forKey: .id)
        switch try decoder.kind(Kind.self) {
        case .agent: action = .agent(try AgentTarget(from: decoder))
        case .http: action = .http(try HTTPTarget(from: decoder))
        case .command: action = .command(try CommandTarget(from: decoder))
        case .sequence: action = .sequence(try c.decode([WorkflowStep].self, forKey: .steps))
        case .parallel: action = .parallel(try c.decode([WorkflowStep].self, forKey: .steps))
        case .loop: action = .loop(try LoopStep(from: decoder))
        case .router: action = .router(try RouterStep(from: decoder))
        case .condition: action = .condition(try ConditionStep(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        switch action {
        case .agent(let t): try encoder.encodeKind(kind, t)
        case .http(let t): try encoder.encodeKind(kind, t)
        case .command(let t): try encoder.encodeKind(kind, t)
        case .sequence(let steps), .parallel(let steps):
            try encoder.encodeKind(kind)
            try c.encode(steps, forKey: .steps)
        case .loop(let s): try encoder.encodeKind(kind, s)
        case .router(let s): try encoder.encodeKind(kind, s)
        case .condition(let s): try encoder.encodeKind(kind, s)
        }
    }

    /// This step and every step nested in it, depth first.
    public var allSteps: [WorkflowStep] {
        var out = [self]
        for child in children { out += child.allSteps }
        return out
    }

    private var children: [WorkflowStep] {
        switch action {
        case .agent, .http, .command: []
        case .sequence(let s), .parallel(let s): s
        case .loop(let l): l.steps
        case .router(let r): r.branches.flatMap(\.steps) + (r.otherwise ?? [])
        case .condition(let c): c.then + c.else
        }
    }

    func validate(at path: String, into v: inout Validator) {
        let f = { (name: String) in Validator.join(path, name) }
        v.text(id, f("id"), max: 100)
        func list(_ steps: [WorkflowStep], _ name: String, allowEmpty: Bool = false) {
            if steps.isEmpty, !allowEmpty { v.fail(f(name), "must list at least one step") }
            for (i, s) in steps.enumerated() { s.validate(at: f("\(name)[\(i)]"), into: &v) }
        }
        switch action {
        case .agent(let t): t.validate(at: path, into: &v)
        case .http(let t): t.validate(at: path, into: &v)
        case .command(let t): t.validate(at: path, into: &v)
        case .sequence(let s), .parallel(let s): list(s, "steps")
        case .loop(let l):
            list(l.steps, "steps")
            l.until?.validate(at: f("until"), into: &v)
            v.check((1...10_000).contains(l.maxIterations), f("max_iterations"), "\(l.maxIterations) must be between 1 and 10000")
        case .router(let r):
            if r.branches.isEmpty { v.fail(f("branches"), "must list at least one branch") }
            for (i, b) in r.branches.enumerated() {
                let bp = f("branches[\(i)]")
                v.text(b.name, Validator.join(bp, "name"), max: 100)
                if let when = b.when {
                    when.validate(at: Validator.join(bp, "when"), into: &v)
                } else if r.chooser == nil {
                    v.fail(Validator.join(bp, "when"), "a branch needs a condition unless the router has a chooser agent")
                }
                if b.steps.isEmpty { v.fail(Validator.join(bp, "steps"), "must list at least one step") }
                for (j, s) in b.steps.enumerated() { s.validate(at: Validator.join(bp, "steps[\(j)]"), into: &v) }
            }
            if let chooser = r.chooser { v.text(chooser, f("chooser")) }
            if let otherwise = r.otherwise { list(otherwise, "otherwise", allowEmpty: true) }
        case .condition(let c):
            c.if.validate(at: f("if"), into: &v)
            list(c.then, "then")
            list(c.else, "else", allowEmpty: true)
        }
    }
}
