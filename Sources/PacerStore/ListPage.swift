import Foundation
import PacerCore

/// Where a page of a newest-first list ends: the instant and id of its last item. The next
/// page holds the items strictly after it in the order (instant descending, then id
/// descending), so items written meanwhile never shift a page. Its text form is opaque to
/// clients: `MILLIS~ID`.
public struct ListCursor: Sendable, Hashable, CustomStringConvertible {
    /// The last item's instant, in milliseconds since 1970.
    public var millis: Int64
    /// The last item's id.
    public var id: String

    /// - Parameters:
    ///   - millis: the instant, in milliseconds since 1970.
    ///   - id: the id.
    public init(millis: Int64, id: String) {
        self.millis = millis
        self.id = id
    }

    /// The cursor after an item at `date` with `id`.
    public init(after date: Date, id: String) {
        self.init(millis: Int64((date.timeIntervalSince1970 * 1000).rounded()), id: id)
    }

    /// Reads a cursor's text form, or `nil` when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "~", maxSplits: 1)
        guard parts.count == 2, let millis = Int64(parts[0]), !parts[1].isEmpty, parts[1].count <= 100 else { return nil }
        self.init(millis: millis, id: String(parts[1]))
    }

    public var description: String { "\(millis)~\(id)" }
}

/// A page of runs, newest scheduled instant first (then id).
public struct RunQuery: Sendable, Hashable {
    /// Only the runs of this schedule.
    public var scheduleID: String?
    /// Only runs with this status.
    public var status: Run.Status?
    /// Only runs after this point of the order.
    public var after: ListCursor?
    /// Most runs.
    public var limit: Int

    public init(scheduleID: String? = nil, status: Run.Status? = nil, after: ListCursor? = nil, limit: Int) {
        self.scheduleID = scheduleID
        self.status = status
        self.after = after
        self.limit = limit
    }
}

/// A page of sessions, newest first (creation instant, then id).
public struct SessionQuery: Sendable, Hashable {
    /// Only the sessions of this schedule.
    public var scheduleID: String?
    /// Only the sessions of this item.
    public var itemKey: String?
    /// Only sessions in this state.
    public var state: Session.State?
    /// Only sessions after this point of the order.
    public var after: ListCursor?
    /// Most sessions.
    public var limit: Int

    public init(scheduleID: String? = nil, itemKey: String? = nil, state: Session.State? = nil, after: ListCursor? = nil, limit: Int) {
        self.scheduleID = scheduleID
        self.itemKey = itemKey
        self.state = state
        self.after = after
        self.limit = limit
    }
}
