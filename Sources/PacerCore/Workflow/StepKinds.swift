/// Repeats steps until a condition on their output holds, or `max_iterations`.
public struct LoopStep: Sendable, Hashable, Codable {
    /// The body, run in sequence each iteration.
    public var steps: [WorkflowStep]
    /// Stop when this holds for the body's output; only `max_iterations` stops it when `nil`.
    public var until: Condition?
    /// Most iterations (default 10).
    public var maxIterations: Int

    enum CodingKeys: String, CodingKey { case steps, until, maxIterations = "max_iterations" }

    /// - Parameters:
    ///   - steps: the body.
    ///   - until: the stop condition.
    ///   - maxIterations: most iterations.
    public init(steps: [WorkflowStep], until: Condition? = nil, maxIterations: Int = 10) {
        self.steps = steps
        self.until = until
        self.maxIterations = maxIterations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(steps: try c.decode([WorkflowStep].self, forKey: .steps), until: try c.decodeIfPresent(Condition.self, forKey: .until),
                  maxIterations: try c.decodeIfPresent(Int.self, forKey: .maxIterations) ?? 10)
    }
}

/// Runs the first branch whose condition holds for the previous output, or the branch an agent
/// picks by name; `otherwise` when none does.
public struct RouterStep: Sendable, Hashable, Codable {
    /// The branches, in order.
    public var branches: [RouterBranch]
    /// An agent (id or name) that picks a branch by name when no condition decides.
    public var chooser: String?
    /// Steps run when no branch is taken.
    public var otherwise: [WorkflowStep]?

    enum CodingKeys: String, CodingKey { case branches, chooser, otherwise }

    /// - Parameters:
    ///   - branches: the branches.
    ///   - chooser: the choosing agent.
    ///   - otherwise: the fallback steps.
    public init(branches: [RouterBranch], chooser: String? = nil, otherwise: [WorkflowStep]? = nil) {
        self.branches = branches
        self.chooser = chooser
        self.otherwise = otherwise
    }
}

/// One branch of a router.
public struct RouterBranch: Sendable, Hashable, Codable {
    /// The branch's name (what a chooser agent answers).
    public var name: String
    /// Taken when this holds.
    public var when: Condition?
    /// The steps.
    public var steps: [WorkflowStep]

    enum CodingKeys: String, CodingKey { case name, when, steps }

    /// - Parameters:
    ///   - name: the name.
    ///   - when: the condition.
    ///   - steps: the steps.
    public init(name: String, when: Condition? = nil, steps: [WorkflowStep]) {
        self.name = name
        self.when = when
        self.steps = steps
    }
}

/// If / else on the previous output.
public struct ConditionStep: Sendable, Hashable, Codable {
    /// The test.
    public var `if`: Condition
    /// Steps when it holds.
    public var then: [WorkflowStep]
    /// Steps when it does not.
    public var `else`: [WorkflowStep]

    enum CodingKeys: String, CodingKey { case `if`, then, `else` }

    /// - Parameters:
    ///   - if: the test.
    ///   - then: steps when it holds.
    ///   - else: steps when it does not.
    public init(if condition: Condition, then: [WorkflowStep], else otherwise: [WorkflowStep] = []) {
        self.if = condition
        self.then = then
        self.else = otherwise
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(if: try c.decode(Condition.self, forKey: .if), then: try c.decode([WorkflowStep].self, forKey: .then),
                  else: try c.decodeIfPresent([WorkflowStep].self, forKey: .else) ?? [])
    }
}
