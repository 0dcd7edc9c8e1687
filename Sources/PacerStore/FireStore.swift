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
public protocol FireStore: Sendable {
    /// The next attempt of an abandoned run under its schedule's retry policy, or `nil`.
    typealias RetryRule = @Sendable (Run, RetryPolicy) -> Run?

    /// In one transaction: takes up to `limit` enabled, unpaused schedules whose next fire is
    /// at or before `now` (earliest first), records a run for each at its scheduled instant and
    /// advances each next fire with the schedule's cadence. A unique (schedule, scheduled
    /// instant, attempt, item) key makes a double claim impossible.
    /// - Parameters:
    ///   - now: the engine's clock.
    ///   - limit: most schedules to claim.
    ///   - owner: the claiming process, recorded on the runs.
    ///   - start: record the runs as `held` by `owner` (lease at `now`), for a caller that
    ///     starts them at their instants (``FireStore/startHeld(ids:owner:at:)``) and hands them
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

    /// Deletes terminal runs and sessions finished before `cutoff`, runs beyond each
    /// schedule's `keep_last`, and events older than `cutoff`. Active runs (queued, running)
    /// and live sessions (pending, running, waiting) are never deleted.
    /// - Returns: how many rows of each kind were deleted.
    @discardableResult
    func purge(before cutoff: Date) async throws -> PurgeCounts

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

extension FireStore {
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
