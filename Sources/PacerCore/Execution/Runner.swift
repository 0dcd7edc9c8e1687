import Foundation

/// What a runner is asked to execute: one run of a schedule's target.
public struct RunRequest: Sendable {
    /// The schedule as it was when the run started.
    public var schedule: Schedule
    /// The run, already recorded as running.
    public var run: Run
    /// The item of a `per_item` run.
    public var item: JSONValue?
    /// Every item of a `single` fire whose dispatch names a source (empty otherwise).
    public var items: [JSONValue]

    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - run: the run.
    ///   - item: the item of a per-item run.
    ///   - items: all items of a single-dispatch fire.
    public init(schedule: Schedule, run: Run, item: JSONValue? = nil, items: [JSONValue] = []) {
        self.schedule = schedule
        self.run = run
        self.item = item
        self.items = items
    }

    /// The values a body or prompt template sees: `schedule` (id, name), `run` (id, attempt,
    /// scheduled_at, fires_at, trigger, item_key), `item` and `items`.
    public var templateContext: [String: Any] {
        var run: [String: Any] = [
            "id": self.run.id, "attempt": self.run.attempt, "trigger": self.run.trigger.rawValue,
            "scheduled_at": PacerJSON.format(self.run.scheduledAt), "fires_at": PacerJSON.format(self.run.firesAt),
        ]
        if let key = self.run.itemKey { run["item_key"] = key }
        run["idempotency_key"] = self.run.idempotencyKey
        var context: [String: Any] = [
            "schedule": ["id": schedule.id, "name": schedule.name],
            "run": run,
            "items": items.map(\.templateValue),
        ]
        if let item { context["item"] = item.templateValue }
        return context
    }
}

/// How a run ended, as a runner reports it.
public struct RunOutcome: Sendable, Hashable {
    /// Whether a failure is worth retrying.
    public enum Failure: String, Sendable, Hashable {
        /// May succeed later (network error, 5xx, 408, 429, non-zero exit).
        case transient
        /// Will fail again (4xx other than 408/429, validation error, refused target).
        case permanent
    }

    /// `succeeded` or `failed` (the engine itself records `timed_out`, `cancelled` and `skipped`).
    public var status: Run.Status
    /// The start of the output (response body, command output).
    public var output: String?
    /// Why it failed.
    public var error: String?
    /// How a failure is classified; `nil` on success.
    public var failure: Failure?
    /// Seconds the target asked us to wait before retrying (`Retry-After`).
    public var retryAfter: Double?
    /// The agent session the run started or continued.
    public var sessionID: String?
    /// The whole result for delivery (an agent's final text), when the excerpt in `output`
    /// may be cut short.
    public var text: String?
    /// The fire goes on later: the engine queues its next step with this finish, in one
    /// transaction (only for a `succeeded` outcome).
    public var continuation: Continuation?

    /// "Continue at instant `at` with state `state`": the next step of the same fire (same
    /// scheduled instant, item and idempotency key), which reads `state` from its run.
    public struct Continuation: Sendable, Hashable {
        /// When the next step is due.
        public var at: Date
        /// What the next step reads (at most ``Run/stateLimit`` bytes of JSON).
        public var state: JSONValue?
        /// `continuation`, or `resume` for an agent session's wake-up (the next step
        /// continues the session its run names).
        public var trigger: Run.Trigger

        /// - Parameters:
        ///   - at: when the next step is due.
        ///   - state: its state.
        ///   - trigger: `continuation` or `resume`.
        public init(at: Date, state: JSONValue? = nil, trigger: Run.Trigger = .continuation) {
            self.at = at
            self.state = state
            self.trigger = trigger
        }
    }

    /// - Parameters:
    ///   - status: `succeeded`, `failed` (or `cancelled` when the engine stopped it).
    ///   - output: output excerpt.
    ///   - error: why it failed.
    ///   - failure: the failure's class.
    ///   - retryAfter: seconds to wait before a retry.
    ///   - sessionID: the agent session.
    ///   - text: the whole result for delivery.
    public init(status: Run.Status, output: String? = nil, error: String? = nil, failure: Failure? = nil,
                retryAfter: Double? = nil, sessionID: String? = nil, text: String? = nil) {
        self.sessionID = sessionID
        self.text = text
        self.status = status
        self.output = output
        self.error = error
        self.failure = failure
        self.retryAfter = retryAfter
    }

    /// A success.
    /// - Parameter output: the output excerpt.
    public static func succeeded(output: String?) -> RunOutcome {
        RunOutcome(status: .succeeded, output: output.map(Run.excerpt), error: nil, failure: nil, retryAfter: nil)
    }

    /// A success that continues the fire at `at` with `state`.
    /// - Parameters:
    ///   - at: when the next step is due.
    ///   - state: what it reads.
    ///   - output: this step's output excerpt.
    public static func continued(at: Date, state: JSONValue?, output: String? = nil) -> RunOutcome {
        var outcome = RunOutcome.succeeded(output: output)
        outcome.continuation = Continuation(at: at, state: state)
        return outcome
    }

    /// A failure.
    /// - Parameters:
    ///   - error: why it failed.
    ///   - output: the output excerpt.
    ///   - failure: transient (retried) or permanent (not retried).
    ///   - retryAfter: seconds to wait before a retry, from the target.
    public static func failed(_ error: String, output: String? = nil, failure: Failure = .transient,
                              retryAfter: Double? = nil) -> RunOutcome {
        RunOutcome(status: .failed, output: output.map(Run.excerpt), error: error, failure: failure, retryAfter: retryAfter)
    }

    /// How an HTTP status is classified: `nil` for 2xx, permanent for 4xx other than 408 and
    /// 429, transient otherwise.
    /// - Parameter status: the HTTP status code.
    public static func classify(httpStatus status: Int) -> Failure? {
        switch status {
        case 200..<300: nil
        case 408, 429: .transient
        case 400..<500: .permanent
        default: .transient
        }
    }
}

/// Executes one target kind. The engine owns timing: a runner must stop promptly when its
/// task is cancelled (timeout, `cancel_previous`, drain) and never throws.
public protocol Runner: Sendable {
    /// Runs the request's target once.
    /// - Parameter request: the schedule, run and items.
    /// - Returns: how it ended.
    func run(_ request: RunRequest) async -> RunOutcome
}

/// Reads the items of a `per_item` (or `single` with a source) fire.
public protocol ItemReader: Sendable {
    /// The items the source lists now.
    /// - Parameter source: the schedule's item source.
    /// - Throws: an error whose description says what went wrong (unreachable, not a JSON array).
    func items(from source: ItemSource) async throws -> [JSONValue]
}

/// What a deliverer sends: a finished run of a schedule.
public struct RunReport: Sendable, Hashable, Codable {
    public var scheduleID: String
    public var scheduleName: String
    public var runID: String
    public var status: Run.Status
    public var scheduledAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var attempt: Int
    public var itemKey: String?
    public var output: String?
    public var error: String?
    /// The agent session of the run.
    public var sessionID: String?
    /// Where to see the run or its session (per-item notify hooks).
    public var link: String?

    enum CodingKeys: String, CodingKey {
        case status, attempt, output, error, link
        case scheduleID = "schedule_id", scheduleName = "schedule_name", runID = "run_id"
        case scheduledAt = "scheduled_at", startedAt = "started_at", finishedAt = "finished_at", itemKey = "item_key"
        case sessionID = "session_id"
    }

    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - run: the finished run.
    public init(schedule: Schedule, run: Run) {
        scheduleID = schedule.id
        scheduleName = schedule.name
        runID = run.id
        status = run.status
        scheduledAt = run.scheduledAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        attempt = run.attempt
        itemKey = run.itemKey
        output = run.output
        error = run.error
        sessionID = run.sessionID
    }

    /// One line of text: `name run_... succeeded: output`.
    public var summary: String {
        var line = "\(scheduleName) \(runID) \(status.rawValue)"
        if let itemKey { line += " [\(itemKey)]" }
        if let error { line += ": \(error)" } else if let output, !output.isEmpty { line += ": \(output)" }
        if let link { line += " \(link)" }
        return line
    }
}

/// Sends a finished run's result somewhere (stdout, a file, a webhook, a chat). A failure is
/// recorded on the run and never changes its status.
public protocol Deliverer: Sendable {
    /// Delivers one report.
    /// - Parameters:
    ///   - report: the finished run.
    ///   - delivery: where to.
    /// - Throws: an error saying why delivery failed.
    func deliver(_ report: RunReport, to delivery: Delivery) async throws
}

/// Decides, before anything of a run executes (its item source included), whether its
/// schedule may run now: the owner's rights and the server's settings, read at every run.
public protocol RunGate: Sendable {
    /// The ending of a run that may not start, or `nil` when it may.
    /// - Parameter schedule: the schedule as it is now.
    /// - Returns: a failed outcome: permanent when the rights or settings refuse the run,
    ///   transient when they could not be read.
    func refusal(for schedule: Schedule) async -> RunOutcome?
}

/// The runners a server offers, by target kind.
public struct Runners: Sendable {
    /// Runner per target kind; a kind with none fails its runs permanently.
    public var byKind: [Target.Kind: any Runner]
    /// Reads item sources.
    public var items: (any ItemReader)?
    /// Delivers results.
    public var deliverer: (any Deliverer)?
    /// Checks every run before it starts; every run may start when `nil`.
    public var gate: (any RunGate)?

    /// - Parameters:
    ///   - byKind: runner per target kind.
    ///   - items: the item reader.
    ///   - deliverer: the deliverer.
    ///   - gate: the check before every run.
    public init(byKind: [Target.Kind: any Runner] = [:], items: (any ItemReader)? = nil, deliverer: (any Deliverer)? = nil,
                gate: (any RunGate)? = nil) {
        self.byKind = byKind
        self.items = items
        self.deliverer = deliverer
        self.gate = gate
    }
}
