import Foundation
import PacerCore

/// Pacer's single source of truth. Every writer (CLI, API, MCP, an agent's tool call) writes
/// through a `Store` and the engine follows. Implementations must be correct when several
/// processes share one database.
///
/// Definitions and runtime state are kept apart: editing a schedule never races the engine
/// writing its next fire.
///
/// A `Store` is every role at once; a consumer asks for the roles it uses:
/// ``ScheduleCatalogue`` (definitions, revisions), ``FireStore`` (the engine's claims, leases
/// and finishes), ``RunStore`` (run records), ``EventStore`` (the event feed and the change
/// signal), ``SessionStore``, ``CatalogStore`` (agents, monitors, workflows), ``TokenStore``
/// and ``SettingsStore``.
public protocol Store: ScheduleCatalogue, FireStore, RunStore, EventStore, SessionStore, CatalogStore, AgentStore,
                       TokenStore, SettingsStore, Sendable {
    /// Stops background work (polling, listening) and closes connections.
    func close() async throws

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
