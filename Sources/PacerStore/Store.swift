import Foundation
import PacerCore

/// Pacer's single source of truth. Every writer (CLI, API, MCP, an agent's tool call) writes
/// through a `Store` and the engine follows. Implementations must be correct when several
/// processes share one database.
///
/// Definitions and runtime state are kept apart: editing a schedule never races the engine
/// writing its next fire.
public protocol Store: Sendable {
    /// Validates and inserts a schedule, records it as revision 1 and sets its first fire
    /// (`cadence.next(after: createdAt)`).
    /// - Parameters:
    ///   - schedule: the definition; its revision is set to 1.
    ///   - author: who made the change, recorded on the revision.
    /// - Returns: the schedule as stored.
    /// - Throws: `ValidationError` with every field error (nothing is written), or
    ///   ``StoreError/nameTaken(_:)``.
    func createSchedule(_ schedule: Schedule, author: String) async throws -> Schedule

    /// Validates and replaces a schedule's definition, raises its revision by one and records
    /// the new revision. When the timing changes, the next fire is recomputed from now.
    /// - Parameters:
    ///   - schedule: the new definition; its revision must be the stored one or the one after
    ///     it (as ``PacerCore/Schedule/revised(at:_:)`` makes).
    ///   - author: who made the change.
    /// - Returns: the schedule as stored.
    /// - Throws: `ValidationError`, ``StoreError/scheduleNotFound(_:)``,
    ///   ``StoreError/revisionConflict(scheduleID:stored:given:)`` or ``StoreError/nameTaken(_:)``.
    func updateSchedule(_ schedule: Schedule, author: String) async throws -> Schedule

    /// The schedule with that id, or `nil`.
    /// - Parameter id: the schedule id.
    func schedule(id: String) async throws -> Schedule?

    /// Every schedule, ordered by name.
    func schedules() async throws -> [Schedule]

    /// Deletes a schedule with its state and runs; its revisions stay as history.
    /// - Parameter id: the schedule id.
    /// - Returns: whether a schedule was deleted.
    @discardableResult
    func deleteSchedule(id: String) async throws -> Bool

    /// The recorded revisions of a schedule, oldest first.
    /// - Parameter scheduleID: the schedule id.
    func revisions(scheduleID: String) async throws -> [Revision]

    /// Restores the definition of a past revision as a new revision.
    /// - Parameters:
    ///   - scheduleID: the schedule id.
    ///   - revision: the revision to restore.
    ///   - author: who made the change.
    /// - Returns: the schedule as stored, with a new revision number.
    /// - Throws: ``StoreError/scheduleNotFound(_:)`` or ``StoreError/revisionNotFound(scheduleID:revision:)``.
    func rollback(scheduleID: String, to revision: Int, author: String) async throws -> Schedule

    /// The runtime state of a schedule, or `nil` when there is no such schedule.
    /// - Parameter scheduleID: the schedule id.
    func state(scheduleID: String) async throws -> ScheduleState?

    /// In one transaction: takes up to `limit` enabled, unpaused schedules whose next fire is
    /// at or before `now` (earliest first), records a `queued` run for each at its scheduled
    /// instant and advances each next fire with the schedule's cadence. A unique
    /// (schedule, scheduled instant, attempt, item) key makes a double claim impossible.
    /// - Parameters:
    ///   - now: the engine's clock.
    ///   - limit: most schedules to claim.
    ///   - owner: the claiming process, recorded on the runs.
    /// - Returns: the runs recorded, in fire order.
    func claimDue(now: Date, limit: Int, owner: String) async throws -> [Run]
}

/// Why a store refused a request (validation failures throw `ValidationError`).
public enum StoreError: Error, Sendable, Hashable {
    /// No schedule has that id.
    case scheduleNotFound(String)
    /// The schedule has no such revision.
    case revisionNotFound(scheduleID: String, revision: Int)
    /// The definition was changed by someone else since it was read.
    case revisionConflict(scheduleID: String, stored: Int, given: Int)
    /// Another schedule already has that name.
    case nameTaken(String)
    /// A stored row could not be read back.
    case corrupt(String)
}
