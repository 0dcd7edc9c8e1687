import Foundation

/// A schedule's runtime state, written by the engine and kept apart from the definition.
public struct ScheduleState: Sendable, Hashable, Codable {
    /// The schedule.
    public var scheduleID: String
    /// The next nominal fire; `nil` when the rule has no more.
    public var nextFireAt: Date?
    /// The last nominal fire claimed.
    public var lastFireAt: Date?
    /// Status of the last finished run.
    public var lastStatus: Run.Status?
    /// Fires claimed so far.
    public var fireCount: Int
    /// Failed runs in a row; reset by a success or a resume.
    public var consecutiveFailures: Int
    /// Why the schedule is paused (by a user or `pause_after_failures`); `nil` when it is not.
    public var pausedReason: String?

    enum CodingKeys: String, CodingKey {
        case scheduleID = "schedule_id", nextFireAt = "next_fire_at", lastFireAt = "last_fire_at"
        case lastStatus = "last_status", fireCount = "fire_count", consecutiveFailures = "consecutive_failures"
        case pausedReason = "paused_reason"
    }

    /// - Parameters:
    ///   - scheduleID: the schedule.
    ///   - nextFireAt: next nominal fire.
    ///   - lastFireAt: last nominal fire.
    ///   - lastStatus: last finished run's status.
    ///   - fireCount: fires claimed.
    ///   - consecutiveFailures: failures in a row.
    ///   - pausedReason: why it is paused.
    public init(scheduleID: String, nextFireAt: Date? = nil, lastFireAt: Date? = nil, lastStatus: Run.Status? = nil,
                fireCount: Int = 0, consecutiveFailures: Int = 0, pausedReason: String? = nil) {
        self.scheduleID = scheduleID
        self.nextFireAt = nextFireAt
        self.lastFireAt = lastFireAt
        self.lastStatus = lastStatus
        self.fireCount = fireCount
        self.consecutiveFailures = consecutiveFailures
        self.pausedReason = pausedReason
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(scheduleID: try c.decode(String.self, forKey: .scheduleID),
                  nextFireAt: try c.decodeIfPresent(Date.self, forKey: .nextFireAt),
                  lastFireAt: try c.decodeIfPresent(Date.self, forKey: .lastFireAt),
                  lastStatus: try c.decodeIfPresent(Run.Status.self, forKey: .lastStatus),
                  fireCount: try c.decodeIfPresent(Int.self, forKey: .fireCount) ?? 0,
                  consecutiveFailures: try c.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0,
                  pausedReason: try c.decodeIfPresent(String.self, forKey: .pausedReason))
    }

    /// Whether the schedule is paused.
    public var isPaused: Bool { pausedReason != nil }
}

/// A past version of a schedule's definition, recorded on every change; rollback restores one.
public struct Revision: Sendable, Hashable, Codable {
    /// The schedule.
    public var scheduleID: String
    /// The revision number of the snapshot.
    public var revision: Int
    /// The definition as it was.
    public var snapshot: Schedule
    /// When it was recorded.
    public var createdAt: Date
    /// Who made the change.
    public var author: String

    enum CodingKeys: String, CodingKey {
        case scheduleID = "schedule_id", revision, snapshot, createdAt = "created_at", author
    }

    /// - Parameters:
    ///   - snapshot: the definition (its id and revision are copied).
    ///   - createdAt: when it was recorded.
    ///   - author: who made the change.
    public init(snapshot: Schedule, createdAt: Date, author: String) {
        self.scheduleID = snapshot.id
        self.revision = snapshot.revision
        self.snapshot = snapshot
        self.createdAt = createdAt
        self.author = author
    }
}
