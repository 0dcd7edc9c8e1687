import Foundation

/// One execution of a schedule's target for one fire (and one item, with per-item dispatch).
public struct Run: Sendable, Hashable, Codable {
    /// Where a run is in its life.
    public enum Status: String, WireEnum {
        case queued, running, succeeded, failed
        case timedOut = "timed_out"
        case cancelled, skipped, abandoned
        /// A fire dropped by the misfire policy (found too late while the server was down or
        /// overloaded); never run.
        case missed
        /// Claimed by a process for its instant, not started yet. A held fire is not a run in
        /// flight: when its process dies or drains, it goes back to the queue for a live one.
        case held
        public static let wireName = "run status"

        /// Whether the run is over: everything but `queued`, `held` and `running`. An
        /// `abandoned` run (its process died while it ran) is over; a retry is a new run.
        public var isTerminal: Bool { self != .queued && self != .running && self != .held }
    }

    /// Why a run exists.
    public enum Trigger: String, WireEnum {
        /// A fire of the rule.
        case schedule
        /// Run Now.
        case manual
        /// A retry of a failed or abandoned run.
        case retry
        /// A past window run on request.
        case backfill
        /// A missed fire run by the misfire policy.
        case catchup
        /// A waiting agent session woke up (`schedule_resume`, `schedule_recurring`): the
        /// continuation of the fire whose run deferred it.
        case resume
        /// A later step of a fire a runner asked to continue (a monitor's next check, a
        /// workflow's next step).
        case continuation
        public static let wireName = "run trigger"
    }

    /// Most characters of output kept on a run.
    public static let outputExcerptLimit = 4096
    /// Most bytes of a continuation's state (as compact JSON).
    public static let stateLimit = 16 * 1024

    /// `run_...`.
    public var id: String
    /// The schedule.
    public var scheduleID: String
    /// The nominal fire from the rule.
    public var scheduledAt: Date
    /// When it is due to start: `scheduledAt` plus jitter, or a retry's backoff.
    public var firesAt: Date
    /// When it started.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?
    /// 1 for the first attempt, 2 for the first retry, ... (within the step).
    public var attempt: Int
    /// 0 for the fire itself, 1 for its first continuation, ... A fire's runs are ordered by
    /// (step, attempt); they share the scheduled instant, the item and the idempotency key.
    public var step: Int = 0
    /// What the previous step left for this one (a continuation's state), or `nil`. The first
    /// step of a backfill run holds the backfill's overlap policy (``Backfill/overlap(of:)``).
    public var state: JSONValue?
    /// Where it is.
    public var status: Run.Status
    /// The process holding the lease while it runs.
    public var owner: String?
    /// Last lease renewal.
    public var heartbeatAt: Date?
    /// The item's key with per-item dispatch.
    public var itemKey: String?
    /// Why it exists.
    public var trigger: Trigger
    /// The start of the output (see ``outputExcerptLimit``).
    public var output: String?
    /// Why it failed, or why it was skipped.
    public var error: String?
    /// Why delivering the result failed (the run's status is not affected).
    public var deliveryError: String?
    /// The agent session it started.
    public var sessionID: String?

    enum CodingKeys: String, CodingKey {
        case id, attempt, status, owner, trigger, output, error
        case scheduleID = "schedule_id", scheduledAt = "scheduled_at", firesAt = "fires_at", startedAt = "started_at"
        case finishedAt = "finished_at", heartbeatAt = "heartbeat_at", itemKey = "item_key"
        case deliveryError = "delivery_error", sessionID = "session_id", step, state
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        scheduleID = try c.decode(String.self, forKey: .scheduleID)
        scheduledAt = try c.decode(Date.self, forKey: .scheduledAt)
        firesAt = try c.decode(Date.self, forKey: .firesAt)
        startedAt = try c.decodeIfPresent(Date.self, forKey: .startedAt)
        finishedAt = try c.decodeIfPresent(Date.self, forKey: .finishedAt)
        attempt = try c.decode(Int.self, forKey: .attempt)
        step = try c.decodeIfPresent(Int.self, forKey: .step) ?? 0
        state = try c.decodeIfPresent(JSONValue.self, forKey: .state)
        status = try c.decode(Run.Status.self, forKey: .status)
        owner = try c.decodeIfPresent(String.self, forKey: .owner)
        heartbeatAt = try c.decodeIfPresent(Date.self, forKey: .heartbeatAt)
        itemKey = try c.decodeIfPresent(String.self, forKey: .itemKey)
        trigger = try c.decode(Trigger.self, forKey: .trigger)
        output = try c.decodeIfPresent(String.self, forKey: .output)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        deliveryError = try c.decodeIfPresent(String.self, forKey: .deliveryError)
        sessionID = try c.decodeIfPresent(String.self, forKey: .sessionID)
    }

    /// The next run of this fire: the next attempt of this step (a retry), or the first
    /// attempt of the next step (a continuation), queued and due at `at`, unowned.
    /// - Parameters:
    ///   - id: the new run's id.
    ///   - at: when it is due.
    ///   - trigger: `retry` for the next attempt; `resume` or `continuation` for the next step.
    ///   - state: the next step's state (a retry repeats this step with its own state).
    public func followUp(id: String, at: Date, trigger: Trigger, state: JSONValue? = nil) -> Run {
        let isRetry = trigger == .retry
        var next = Run(id: id, scheduleID: scheduleID, scheduledAt: scheduledAt, firesAt: at,
                       attempt: isRetry ? attempt + 1 : 1, status: .queued, trigger: trigger, itemKey: itemKey)
        next.step = isRetry ? step : step + 1
        next.state = isRetry ? self.state : state
        if trigger == .resume || (isRetry && self.trigger == .resume) { next.sessionID = sessionID }
        return next
    }

    /// A queued run.
    /// - Parameters:
    ///   - id: the id.
    ///   - scheduleID: the schedule.
    ///   - scheduledAt: nominal fire.
    ///   - firesAt: due instant; `scheduledAt` when `nil`.
    ///   - attempt: attempt number.
    ///   - status: status.
    ///   - trigger: why it exists.
    ///   - itemKey: item key.
    public init(id: String, scheduleID: String, scheduledAt: Date, firesAt: Date? = nil, attempt: Int = 1,
                status: Run.Status = .queued, trigger: Trigger = .schedule, itemKey: String? = nil) {
        self.id = id
        self.scheduleID = scheduleID
        self.scheduledAt = scheduledAt
        self.firesAt = firesAt ?? scheduledAt
        self.attempt = attempt
        self.status = status
        self.trigger = trigger
        self.itemKey = itemKey
    }

    /// The start of a text, at most ``outputExcerptLimit`` characters.
    /// - Parameter text: the full output.
    /// The key every attempt and continuation of one fire sends as `Idempotency-Key`: derived
    /// from the schedule, the scheduled instant (in milliseconds) and the item, so a receiver
    /// can drop a retry of a request it already handled. `fire_` and 32 hex digits.
    public var idempotencyKey: String {
        let millis = Int64((scheduledAt.timeIntervalSince1970 * 1000).rounded())
        let material = "\(scheduleID)\u{0}\(millis)\u{0}\(itemKey ?? "")"
        return "fire_" + String(Digests.sha256Hex(material).prefix(32))
    }

    public static func excerpt(_ text: String) -> String {
        text.count <= outputExcerptLimit ? text : String(text.prefix(outputExcerptLimit))
    }
}
