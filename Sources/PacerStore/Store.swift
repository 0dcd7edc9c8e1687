import Foundation
import PacerCore

/// Pacer's single source of truth. Every writer (CLI, API, MCP, an agent's tool call) writes
/// through a `Store` and the engine follows. Implementations must be correct when several
/// processes share one database.
///
/// Definitions and runtime state are kept apart: editing a schedule never races the engine
/// writing its next fire.
public protocol Store: RunStore, SessionStore, CatalogStore, AgentStore, TokenStore, SettingsStore, Sendable {
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

    /// In one transaction: takes up to `limit` enabled, unpaused schedules whose next fire is
    /// at or before `now` (earliest first), records a run for each at its scheduled instant and
    /// advances each next fire with the schedule's cadence. A unique (schedule, scheduled
    /// instant, attempt, item) key makes a double claim impossible.
    /// - Parameters:
    ///   - now: the engine's clock.
    ///   - limit: most schedules to claim.
    ///   - owner: the claiming process, recorded on the runs.
    ///   - start: record the runs as `held` by `owner` (lease at `now`), for a caller that
    ///     starts them at their instants (``RunStore/startHeld(ids:owner:at:)``) and hands them
    ///     back if it cannot. Otherwise they are `queued`.
    ///   - clock: when given, each fire's ``PacerCore/ClaimPlan`` decides it in the same
    ///     transaction, judged at this instant: a fire the misfire policy drops is recorded
    ///     `missed`, one an exclusion matches `skipped` (both over, unowned, with the reason),
    ///     and a late fire moves the next fire as the policy says (a `schedule_state_changed`
    ///     event tells the engines). `nil` records every fire to run.
    /// - Returns: the runs recorded, in fire order (missed and skipped ones included).
    func claimDue(now: Date, limit: Int, owner: String, start: Bool, deciding clock: Date?) async throws -> [Run]

    /// Offers the claim plan of a schedule at a revision that the caller has built already
    /// (the engine parses every rule once per revision), so claims need not decode that
    /// revision's definition again. A store may ignore it.
    func offerClaimPlan(_ plan: ClaimPlan, scheduleID: String, revision: Int)

    /// Every schedule's runtime state (the engine builds its heap of next fires from these).
    func states() async throws -> [ScheduleState]

    /// Moves a schedule's next fire (misfire handling: skip to the next future fire, or
    /// `nil` when the rule has no more fires). Does not create a revision.
    func setNextFire(scheduleID: String, at: Date?) async throws

    /// Pauses (with a reason, e.g. `pause_after_failures`) or resumes (`nil`) a schedule.
    /// Resuming clears the consecutive-failure count. Does not create a revision.
    func setPaused(scheduleID: String, reason: String?) async throws

    /// Deletes terminal runs and sessions finished before `cutoff`, runs beyond each
    /// schedule's `keep_last`, and events older than `cutoff`. Active runs (queued, running)
    /// and live sessions (pending, running, waiting) are never deleted.
    /// - Returns: how many rows of each kind were deleted.
    @discardableResult
    func purge(before cutoff: Date) async throws -> PurgeCounts

    /// Store events after a cursor, oldest first. Every write records one in the write's
    /// transaction, except lease renewals (``RunStore/heartbeat(runID:owner:at:)``) and purges;
    /// they feed `/v1/events` and let other processes see what changed.
    /// - Parameters:
    ///   - cursor: the last sequence number seen (0 for the beginning).
    ///   - limit: most events to return.
    func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent]

    /// The sequence number of the newest event (0 when there is none): where a consumer that
    /// only cares about what happens from now on starts reading.
    func lastEventSequence() async throws -> Int64

    /// A signal that fires after any write to the store, including writes by other processes
    /// (SQLite: an in-process signal plus `PRAGMA data_version` polling; PostgreSQL:
    /// `LISTEN/NOTIFY`), within a second. Each call makes a new subscription; the stream ends
    /// when the store is closed. Consumers re-read what they need (see ``events(after:limit:)``).
    func changes() -> AsyncStream<Void>

    /// Stops background work (polling, listening) and closes connections.
    func close() async throws
}

extension Store {
    /// The scopes a schedule's owner runs with, read now: a token's name has the token's scopes
    /// (none once it is deleted); `agent:NAME` has what its agent may do (`admin` when it is
    /// allowed dangerous tools, else `write` and `run`), never more than the agent's own owner
    /// has, and none once the agent is gone; Pacer's own surfaces (`cli`, `config`, `mcp`,
    /// `local`) are not limited (`nil`).
    /// - Parameter owner: a schedule's owner.
    public func ownerScopes(_ owner: String) async throws -> Set<Scope>? {
        guard owner.lowercased().hasPrefix("agent:") else { return try await tokenScopes(owner) }
        guard let agent = try await agent(named: String(owner.dropFirst("agent:".count))) else { return [] }
        let own: Set<Scope> = agent.isPrivileged ? [.admin] : [.write, .run]
        guard let creator = agent.owner, !creator.lowercased().hasPrefix("agent:"),
              let creatorScopes = try await tokenScopes(creator) else { return own }
        return Set(Scope.allCases.filter { $0.isGranted(by: own) && $0.isGranted(by: creatorScopes) })
    }

    public func offerClaimPlan(_ plan: ClaimPlan, scheduleID: String, revision: Int) {}

    /// ``claimDue(now:limit:owner:start:deciding:)`` recording `queued` runs.
    public func claimDue(now: Date, limit: Int, owner: String) async throws -> [Run] {
        try await claimDue(now: now, limit: limit, owner: owner, start: false, deciding: nil)
    }

    /// ``claimDue(now:limit:owner:start:deciding:)`` recording every fire to run.
    public func claimDue(now: Date, limit: Int, owner: String, start: Bool) async throws -> [Run] {
        try await claimDue(now: now, limit: limit, owner: owner, start: start, deciding: nil)
    }
}

/// How many rows a purge deleted.
public struct PurgeCounts: Sendable, Hashable {
    public var runs: Int
    public var sessions: Int
    public var events: Int
    public init(runs: Int = 0, sessions: Int = 0, events: Int = 0) {
        self.runs = runs
        self.sessions = sessions
        self.events = events
    }
}

/// An ``PacerCore/Event`` with the store's sequence number.
public struct StoredEvent: Sendable, Hashable {
    /// Increases with every write; a cursor for ``Store/events(after:limit:)``.
    public var sequence: Int64
    public var event: Event
    public init(sequence: Int64, event: Event) {
        self.sequence = sequence
        self.event = event
    }
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
    /// No run has that id.
    case runNotFound(String)
    /// A run for that (schedule, scheduled instant, attempt, item) exists already.
    case duplicateRun(scheduleID: String, scheduledAt: Date, attempt: Int, itemKey: String?)
    /// The caller no longer holds the run's lease (another process took it over, or it was
    /// marked abandoned); it must stop writing for that run.
    case leaseLost(runID: String)
    /// No session has that id.
    case sessionNotFound(String)
    /// No agent, monitor or workflow has that id.
    case notFound(kind: String, id: String)
    /// The store was closed; nothing more can be read or written through it.
    case closed
    /// The database did not answer within the store's call timeout (an outage, a wedged
    /// connection); whether a write took effect is unknown, and the caller may try again.
    case timedOut(seconds: Double)
}
