import Foundation

/// An agent conversation: transcript, tool log, usage, and its links to earlier sessions and
/// to its own future wake-ups.
public struct Session: Sendable, Hashable, Codable {
    /// Where a session is.
    public enum State: String, WireEnum {
        case pending, running, waiting, done, error, cancelled
        public static let wireName = "session state"
        /// `done`, `error` and `cancelled` are final.
        public var isTerminal: Bool { self == .done || self == .error || self == .cancelled }
    }

    /// `ses_...`.
    public var id: String
    /// The agent.
    public var agentID: String
    /// The schedule that started it, if any.
    public var scheduleID: String?
    /// The item it works on, with per-item dispatch.
    public var itemKey: String?
    /// Where it is.
    public var state: State
    /// The transcript.
    public var messages: [Message]
    /// Tool calls carried out.
    public var toolLog: [ToolCall]
    /// What happened.
    public var events: [SessionEvent]
    /// Input tokens used.
    public var inputTokens: Int
    /// Output tokens used.
    public var outputTokens: Int
    /// Cost so far, from the agent's price table.
    ///
    /// A `Double`, not a `Decimal`: it is an estimate (tokens times a per-million price), so
    /// errors in the 15th digit do not matter against caps such as 5.00, and a `Double` maps
    /// directly to a JSON number, SQLite `REAL` and PostgreSQL `double precision`.
    public var cost: Double
    /// The previous session of the same (schedule, item key).
    public var previousSessionID: String?
    /// When a waiting session wakes up.
    public var resumeAt: Date?
    /// The user turn appended on wake-up.
    public var resumePrompt: String?
    /// Recurring wake-ups set by `schedule_recurring`.
    public var recurrence: SessionRecurrence?
    /// Created.
    public var createdAt: Date
    /// Last changed.
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, state, messages, events, cost, recurrence
        case agentID = "agent_id", scheduleID = "schedule_id", itemKey = "item_key", toolLog = "tool_log"
        case inputTokens = "input_tokens", outputTokens = "output_tokens", previousSessionID = "previous_session_id"
        case resumeAt = "resume_at", resumePrompt = "resume_prompt", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// A new pending session.
    /// - Parameters:
    ///   - id: the id.
    ///   - agentID: the agent.
    ///   - scheduleID: the schedule.
    ///   - itemKey: the item.
    ///   - previousSessionID: the chain link.
    ///   - createdAt: creation instant.
    public init(id: String, agentID: String, scheduleID: String? = nil, itemKey: String? = nil,
                previousSessionID: String? = nil, createdAt: Date) {
        self.id = id
        self.agentID = agentID
        self.scheduleID = scheduleID
        self.itemKey = itemKey
        self.state = .pending
        self.messages = []
        self.toolLog = []
        self.events = []
        self.inputTokens = 0
        self.outputTokens = 0
        self.cost = 0
        self.previousSessionID = previousSessionID
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// Input plus output tokens.
    public var totalTokens: Int { inputTokens + outputTokens }

    /// The text of the last assistant turn (templates see it as `previous_session.last_text`).
    public var lastText: String? {
        messages.last { $0.role == .assistant && $0.text != nil }?.text
    }
}

/// The state of `schedule_recurring`: fires at `started_at + k * every_seconds`, so wake-ups
/// never drift by the run's own duration.
public struct SessionRecurrence: Sendable, Hashable, Codable {
    /// Seconds between wake-ups (60 s ... 30 days).
    public var everySeconds: Int
    /// No wake-up after this.
    public var until: Date?
    /// At most this many runs.
    public var maxRuns: Int?
    /// Runs made so far.
    public var runsDone: Int
    /// The prompt of each run (`{run}` and `{total}` are replaced).
    public var prompt: String
    /// The first fire, the anchor of the rest.
    public var startedAt: Date

    enum CodingKeys: String, CodingKey {
        case everySeconds = "every_seconds", until, maxRuns = "max_runs", runsDone = "runs_done", prompt
        case startedAt = "started_at"
    }

    /// - Parameters:
    ///   - everySeconds: period.
    ///   - until: end.
    ///   - maxRuns: most runs.
    ///   - runsDone: runs made.
    ///   - prompt: prompt.
    ///   - startedAt: anchor.
    public init(everySeconds: Int, until: Date? = nil, maxRuns: Int? = nil, runsDone: Int = 0, prompt: String, startedAt: Date) {
        self.everySeconds = everySeconds
        self.until = until
        self.maxRuns = maxRuns
        self.runsDone = runsDone
        self.prompt = prompt
        self.startedAt = startedAt
    }

    /// The wake-up after run number `runsDone`, or `nil` when the recurrence is over.
    public var nextWakeUp: Date? {
        if let maxRuns, runsDone >= maxRuns { return nil }
        let at = startedAt.addingTimeInterval(Double(runsDone) * Double(everySeconds))
        if let until, at > until { return nil }
        return at
    }
}
