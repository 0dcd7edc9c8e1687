import Foundation

/// Steps composed into a pipeline; a schedulable target.
public struct Workflow: Sendable, Hashable, Codable {
    /// `wf_...`.
    public var id: String
    /// Human name.
    public var name: String
    /// Who owns it.
    public var owner: String
    /// Free text.
    public var description: String?
    /// The top-level steps, run in sequence.
    public var steps: [WorkflowStep]
    /// Created.
    public var createdAt: Date
    /// Last changed.
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, owner, description, steps, createdAt = "created_at", updatedAt = "updated_at"
    }

    /// - Parameters:
    ///   - id: the id.
    ///   - name: the name.
    ///   - owner: the owner.
    ///   - description: free text.
    ///   - steps: top-level steps.
    ///   - createdAt: created.
    ///   - updatedAt: last changed; `createdAt` when `nil`.
    public init(id: String, name: String, owner: String, description: String? = nil, steps: [WorkflowStep],
                createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.owner = owner
        self.description = description
        self.steps = steps
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  owner: try c.decode(String.self, forKey: .owner), description: try c.decodeIfPresent(String.self, forKey: .description),
                  steps: try c.decode([WorkflowStep].self, forKey: .steps), createdAt: try c.decode(Date.self, forKey: .createdAt),
                  updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt))
    }
}

extension Workflow: Validatable {
    /// Every field error of the workflow, including nested steps and duplicate step ids.
    public func validate() -> [FieldError] {
        var v = Validator()
        v.text(id, "id")
        v.text(name, "name", max: Schedule.maxNameLength)
        v.text(owner, "owner")
        if steps.isEmpty { v.fail("steps", "must list at least one step") }
        for (i, s) in steps.enumerated() { s.validate(at: "steps[\(i)]", into: &v) }
        var seen = Set<String>()
        for step in steps.flatMap(\.allSteps) where !seen.insert(step.id).inserted {
            v.fail("steps", "step id '\(step.id)' is used more than once")
        }
        return v.errors
    }
}

/// One execution of a workflow, with a record of every step.
public struct WorkflowRun: Sendable, Hashable, Codable {
    /// `wfr_...`.
    public var id: String
    /// The workflow.
    public var workflowID: String
    /// The schedule run that started it, if any.
    public var runID: String?
    /// Where it is (the run statuses).
    public var status: Run.Status
    /// The step records, in the order the steps started.
    public var steps: [StepRecord]
    /// Started.
    public var startedAt: Date
    /// Ended.
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, status, steps, workflowID = "workflow_id", runID = "run_id", startedAt = "started_at", finishedAt = "finished_at"
    }

    /// - Parameters:
    ///   - id: the id.
    ///   - workflowID: the workflow.
    ///   - runID: the schedule run.
    ///   - status: status.
    ///   - steps: step records.
    ///   - startedAt: start.
    ///   - finishedAt: end.
    public init(id: String, workflowID: String, runID: String? = nil, status: Run.Status = .running, steps: [StepRecord] = [],
                startedAt: Date, finishedAt: Date? = nil) {
        self.id = id
        self.workflowID = workflowID
        self.runID = runID
        self.status = status
        self.steps = steps
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// What one step of a workflow run got, produced and how it ended.
public struct StepRecord: Sendable, Hashable, Codable {
    /// The step's id.
    public var stepID: String
    /// The step's kind.
    public var kind: WorkflowStep.Kind
    /// The loop iteration (from 1) when inside a loop.
    public var iteration: Int?
    /// Where it is.
    public var status: Run.Status
    /// What it was given.
    public var input: String?
    /// What it produced.
    public var output: String?
    /// Why it failed.
    public var error: String?
    /// Started.
    public var startedAt: Date
    /// Ended.
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case kind, iteration, status, input, output, error
        case stepID = "step_id", startedAt = "started_at", finishedAt = "finished_at"
    }

    /// - Parameters:
    ///   - stepID: the step.
    ///   - kind: its kind.
    ///   - iteration: loop iteration.
    ///   - status: status.
    ///   - input: input.
    ///   - output: output.
    ///   - error: error.
    ///   - startedAt: start.
    ///   - finishedAt: end.
    public init(stepID: String, kind: WorkflowStep.Kind, iteration: Int? = nil, status: Run.Status = .running, input: String? = nil,
                output: String? = nil, error: String? = nil, startedAt: Date, finishedAt: Date? = nil) {
        self.stepID = stepID
        self.kind = kind
        self.iteration = iteration
        self.status = status
        self.input = input
        self.output = output
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
