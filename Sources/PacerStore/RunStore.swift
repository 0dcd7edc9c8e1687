import Foundation
import PacerCore

/// Run records: what surfaces and runners read and write about runs (Run Now, backfills,
/// cancels, pages of runs, the session a run drives, delivery errors). The engine's side of
/// a run's life is ``FireStore``.
public protocol RunStore: Sendable {
    /// Records a run made outside `claimDue` (Run Now, a retry, a backfill or catch-up fire).
    /// - Throws: ``StoreError/duplicateRun(scheduleID:scheduledAt:attempt:itemKey:)`` when the
    ///   unique key exists, ``StoreError/scheduleNotFound(_:)``.
    func insertRun(_ run: Run) async throws -> Run

    /// Records the runs of a backfill in one transaction (all or none), with a `run_queued`
    /// event each. A fire that has runs already is decided by
    /// ``PacerCore/Backfill/recordable(_:existing:)``: left alone when it ran or waits to run,
    /// recorded as its next attempt when it never ran (missed or skipped).
    /// - Parameter runs: queued step-0 runs without item, one per instant, of one schedule.
    /// - Returns: the runs recorded, in the order given.
    /// - Throws: ``StoreError/scheduleNotFound(_:)``.
    func insertBackfill(_ runs: [Run]) async throws -> [Run]

    /// The run with that id, or `nil`.
    func run(id: String) async throws -> Run?

    /// Every run of the fire `runID` belongs to (same schedule, scheduled instant and item):
    /// its steps and each step's attempts, in order.
    /// - Throws: ``StoreError/runNotFound(_:)``.
    func fireRuns(of runID: String) async throws -> [Run]

    /// Cancels a whole fire: in one transaction, its queued, held and running runs end
    /// `cancelled` with `reason` (an engine executing one stops it on the change), and the
    /// agent sessions its runs drive that are not over end `cancelled`, so nothing of the
    /// chain comes back later.
    /// - Returns: the fire's runs after the cancel, in order.
    /// - Throws: ``StoreError/runNotFound(_:)``.
    func cancelFire(of runID: String, reason: String, at: Date) async throws -> [Run]

    /// Runs of a schedule, newest scheduled instant first.
    /// - Parameters:
    ///   - scheduleID: the schedule.
    ///   - limit: most runs to return.
    func runs(scheduleID: String, limit: Int) async throws -> [Run]

    /// A page of runs, newest scheduled instant first, then id (an indexed keyset query: the
    /// next page starts after the cursor of the last run).
    func runs(_ query: RunQuery) async throws -> [Run]

    /// Runs that are `queued` or `running`, oldest scheduled instant first (all schedules
    /// when `scheduleID` is `nil`).
    func activeRuns(scheduleID: String?) async throws -> [Run]

    /// Links a run to the agent session it drives, as soon as the session exists (a plain
    /// update: no fencing, no event).
    /// - Parameters:
    ///   - runID: the run.
    ///   - sessionID: the session.
    /// - Throws: ``StoreError/runNotFound(_:)``.
    func setRunSession(runID: String, sessionID: String) async throws

    /// Records a failed delivery on a finished run (a delivery never fails a run).
    func recordDeliveryError(runID: String, error: String) async throws

}
