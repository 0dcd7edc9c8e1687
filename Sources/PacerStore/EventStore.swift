import Foundation
import PacerCore

/// The event feed: what `/v1/events`, `pacer watch`, the dashboard and other processes follow.
public protocol EventStore: Sendable {
    /// Store events after a cursor, oldest first. Every write records one in the write's
    /// transaction, except lease renewals (``FireStore/heartbeat(runID:owner:at:)``) and purges;
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
}
