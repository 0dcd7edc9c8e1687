import Foundation
import PacerCore

/// Run lifecycle: a fire is claimed `held` by a process for its instant (or queued), becomes
/// `running` (under a lease) when its runner is about to be called, and ends in a terminal
/// status. A held fire is not a run in flight: it goes back to the queue when its process dies
/// or drains, and never counts as an attempt.
///
/// Leases are fenced: every write for a held or running run names its owner, and a write by a
/// process that lost it fails with ``StoreError/leaseLost(runID:)`` and changes nothing.
/// Processes record that they are alive (``beat(owner:at:)``); the runs of one that stopped are
/// taken over within its liveness timeout, not the run lease.
public protocol RunStore: Sendable {
    /// The next attempt of an abandoned run under its schedule's retry policy, or `nil`.
    typealias RetryRule = @Sendable (Run, RetryPolicy) -> Run?

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

    /// Moves a `queued` run to `running` under `owner`'s lease (heartbeat = `at`).
    /// - Throws: ``StoreError/leaseLost(runID:)`` when the run is no longer queued (another
    ///   process started it, or it was cancelled), ``StoreError/runNotFound(_:)``.
    func startRun(id: String, owner: String, at: Date) async throws -> Run

    /// Takes a `queued` run for `owner` as `held` (heartbeat = `at`): a run this process starts
    /// when one of its slots is free, marking it running then with
    /// ``startHeld(ids:owner:at:)``. Held, it is no attempt yet: it goes back to the queue when
    /// the process dies (recovery) or drains (``handBack(ids:owner:at:)``). No event: the run
    /// is still waiting.
    /// - Throws: ``StoreError/leaseLost(runID:)`` when the run is no longer queued (another
    ///   process took it, or it was cancelled), ``StoreError/runNotFound(_:)``.
    func holdQueued(id: String, owner: String, at: Date) async throws -> Run

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

    /// In one transaction: held runs of processes not seen for `livenessTimeout` (or whose
    /// lease is older than `leaseTimeout`) go back to the queue, unowned (they never started:
    /// no attempt is spent); running runs of such processes, or whose heartbeat is older than
    /// `now - leaseTimeout`, are marked `abandoned` and returned, each with the next attempt
    /// `retry` makes of it under its schedule's retry policy queued in the same transaction.
    /// An abandoned run's agent session that is still `running` or `pending` ends in `error`
    /// with an `abandoned` event (`run_id`, `reason`); one already `waiting` (its run deferred
    /// it and stopped before its finish was written) gets its continuation queued at its
    /// `resume_at`. A run whose owner never recorded a liveness beat is judged by its lease
    /// alone.
    /// - Parameters:
    ///   - now: the clock.
    ///   - leaseTimeout: the run lease.
    ///   - livenessTimeout: how long a process may go without a beat; `nil` judges by leases only.
    ///   - retry: the next attempt of an abandoned run, or `nil` (a pure decision).
    func recover(now: Date, leaseTimeout: TimeInterval, livenessTimeout: TimeInterval?,
                 retry: @escaping RetryRule) async throws -> Recovery

    /// Marks held runs of `owner` as running (their runners are about to be called), in one
    /// transaction. Marking again a run `owner` already marked is no error: a call whose
    /// outcome was unknown (a timeout after the commit) is repeated, and those runs start.
    /// - Returns: the ids still held by `owner`; the others went back to the queue or were
    ///   finished meanwhile, and must not run here.
    func startHeld(ids: [String], owner: String, at: Date) async throws -> Set<String>

    /// Hands runs that `owner` holds but never executed (held, or started and not yet given to
    /// their runner) back to the queue, unowned, for a live process (a draining server).
    func handBack(ids: [String], owner: String, at: Date) async throws

    /// Records that process `owner` is alive at `at` (no event, no wake-up).
    func beat(owner: String, at: Date) async throws
}
