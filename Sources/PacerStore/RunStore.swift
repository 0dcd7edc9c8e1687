import Foundation
import PacerCore

/// Run lifecycle: queued -> running (under a lease) -> a terminal status.
///
/// Leases are fenced: every write for a running run names its owner, and a write by a
/// process that lost the lease fails with ``StoreError/leaseLost(runID:)`` and changes nothing.
public protocol RunStore: Sendable {
    /// Records a run made outside `claimDue` (Run Now, a retry, a backfill or catch-up fire).
    /// - Throws: ``StoreError/duplicateRun(scheduleID:scheduledAt:attempt:itemKey:)`` when the
    ///   unique key exists, ``StoreError/scheduleNotFound(_:)``.
    func insertRun(_ run: Run) async throws -> Run

    /// The run with that id, or `nil`.
    func run(id: String) async throws -> Run?

    /// Runs of a schedule, newest scheduled instant first.
    /// - Parameters:
    ///   - scheduleID: the schedule.
    ///   - limit: most runs to return.
    func runs(scheduleID: String, limit: Int) async throws -> [Run]

    /// Runs that are `queued` or `running`, oldest scheduled instant first (all schedules
    /// when `scheduleID` is `nil`).
    func activeRuns(scheduleID: String?) async throws -> [Run]

    /// Moves a `queued` run to `running` under `owner`'s lease (heartbeat = `at`).
    /// - Throws: ``StoreError/leaseLost(runID:)`` when the run is no longer queued (another
    ///   process started it, or it was cancelled), ``StoreError/runNotFound(_:)``.
    func startRun(id: String, owner: String, at: Date) async throws -> Run

    /// Renews the lease of a running run.
    /// - Throws: ``StoreError/leaseLost(runID:)`` when `owner` no longer holds it.
    func heartbeat(runID: String, owner: String, at: Date) async throws

    /// Finishes a run: sets its terminal status, times and excerpts, and updates the
    /// schedule's state (last fire, last status, consecutive failures) in the same
    /// transaction. A `queued` run may be finished by anyone (skipped, cancelled); a
    /// `running` one only by its lease owner.
    /// - Throws: ``StoreError/leaseLost(runID:)``, ``StoreError/runNotFound(_:)``.
    func finishRun(id: String, owner: String, status: Run.Status, at: Date, output: String?, error: String?) async throws -> Run

    /// Finishes several runs of `owner`, each as ``finishRun(id:owner:status:at:output:error:)``
    /// would, in as few transactions as the store can (the engine batches finishes so that a
    /// fire costs a fraction of a commit).
    /// - Returns: per run, in order, `nil` when it was finished, else why it could not be.
    func finishRuns(_ finishes: [RunFinish], owner: String) async -> [(any Error)?]

    /// Links a run to the agent session it drives, as soon as the session exists (a plain
    /// update: no fencing, no event).
    /// - Parameters:
    ///   - runID: the run.
    ///   - sessionID: the session.
    /// - Throws: ``StoreError/runNotFound(_:)``.
    func setRunSession(runID: String, sessionID: String) async throws

    /// Records a failed delivery on a finished run (a delivery never fails a run).
    func recordDeliveryError(runID: String, error: String) async throws

    /// Marks `running` runs whose heartbeat is older than `now - leaseTimeout` as
    /// `abandoned` (their process died) and returns them, so a live process can retry them.
    /// An abandoned run's agent session that is still `running` or `pending` ends in `error`
    /// with an `abandoned` event (`run_id`, `reason`), in the same transaction.
    func abandonExpiredRuns(now: Date, leaseTimeout: TimeInterval) async throws -> [Run]
}
