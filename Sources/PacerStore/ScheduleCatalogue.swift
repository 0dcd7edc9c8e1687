import Foundation
import PacerCore

/// Schedule definitions: create, replace, read, delete, their revisions and rollback, and the
/// runtime state a surface shows. What every surface and agent tool writes.
public protocol ScheduleCatalogue: Sendable {
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
    ///   - schedule: the new definition; its revision must be the stored one, the revision it
    ///     was made from (``PacerCore/Schedule/revised(at:_:)`` keeps it), so that an edit made
    ///     before another was stored never overwrites it (``PacerCore/Schedule/mayReplace(stored:given:)``).
    ///   - author: who made the change.
    /// - Returns: the schedule as stored.
    /// - Throws: `ValidationError`, ``StoreError/scheduleNotFound(_:)``,
    ///   ``StoreError/revisionConflict(scheduleID:stored:given:)`` or ``StoreError/nameTaken(_:)``.
    func updateSchedule(_ schedule: Schedule, author: String) async throws -> Schedule

    /// The schedule with that id, or `nil`.
    /// - Parameter id: the schedule id.
    func schedule(id: String) async throws -> Schedule?

    /// The schedule with that name, or `nil` (names are unique; an indexed lookup).
    /// - Parameter name: the schedule's name.
    func schedule(name: String) async throws -> Schedule?

    /// Every schedule, ordered by name.
    func schedules() async throws -> [Schedule]

    /// A page of schedules ordered by id, after `afterID` (from the start when `nil`), so a
    /// reader of many schedules never holds them all at once.
    /// - Parameters:
    ///   - afterID: the last id of the previous page.
    ///   - limit: most schedules to return.
    func schedules(afterID: String?, limit: Int) async throws -> [Schedule]

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

    /// Pauses (with a reason, e.g. `pause_after_failures`) or resumes (`nil`) a schedule.
    /// Resuming clears the consecutive-failure count. Does not create a revision.
    func setPaused(scheduleID: String, reason: String?) async throws
}
