import Foundation

/// A polling job: repeats a check until it succeeds or its attempts run out.
public struct Monitor: Sendable, Hashable, Codable {
    /// Where a monitor is.
    public enum State: String, WireEnum {
        case active, succeeded, failed, cancelled
        public static let wireName = "monitor state"
        /// Everything but `active` is final.
        public var isTerminal: Bool { self != .active }
    }

    /// `mon_...`.
    public var id: String
    /// Human name.
    public var name: String
    /// Who owns it.
    public var owner: String
    /// What it checks and what it says.
    public var spec: MonitorSpec
    /// Where its message goes with `notify`.
    public var delivery: Delivery
    /// Groups monitors; cancelling the group cancels all its active monitors.
    public var workflowID: String?
    /// The session that created it (resumed with `resume_conversation`).
    public var sessionID: String?
    /// Where it is.
    public var state: State
    /// Checks made.
    public var attempts: Int
    /// The last check's result.
    public var lastResult: String?
    /// When the next check is due.
    public var nextCheckAt: Date?
    /// Created.
    public var createdAt: Date
    /// Last changed.
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, owner, spec, delivery, state, attempts
        case workflowID = "workflow_id", sessionID = "session_id", lastResult = "last_result"
        case nextCheckAt = "next_check_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// An active monitor.
    /// - Parameters:
    ///   - id: the id.
    ///   - name: the name.
    ///   - owner: the owner.
    ///   - spec: the check.
    ///   - delivery: where messages go.
    ///   - workflowID: group.
    ///   - sessionID: originating session.
    ///   - createdAt: creation; also the first check.
    public init(id: String, name: String, owner: String, spec: MonitorSpec, delivery: Delivery = .none,
                workflowID: String? = nil, sessionID: String? = nil, createdAt: Date) {
        self.id = id
        self.name = name
        self.owner = owner
        self.spec = spec
        self.delivery = delivery
        self.workflowID = workflowID
        self.sessionID = sessionID
        self.state = .active
        self.attempts = 0
        self.nextCheckAt = createdAt
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

extension Monitor: Validatable {
    /// Every field error of the monitor.
    public func validate() -> [FieldError] {
        var v = Validator()
        v.text(id, "id")
        v.text(name, "name", max: Schedule.maxNameLength)
        v.text(owner, "owner")
        spec.validate(at: "spec", into: &v)
        delivery.validate(at: "delivery", into: &v)
        return v.errors
    }
}
