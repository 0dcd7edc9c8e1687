import Foundation
import HeapModule
import Logging
import PacerCore
import PacerStore
import Recurrence

extension Engine {
    /// Claims fires due by `now + claimAhead` while slots are free, in batches of
    /// `claimBatch`, earliest first; those not yet due are held until their instant.
    func claim(now: Date) async throws {
        guard configuration.onlyRuns == nil else { return }
        if let until = claimPausedUntil, until > now { return }
        claimPausedUntil = nil
        let horizon = now.addingTimeInterval(configuration.claimAhead)
        while let earliest = earliestFire(), earliest <= horizon {
            let limit = min(freeSlots, writeLimit(configuration.claimBatch, now: now))
            guard limit > 0 else { return }
            // The store decides each fire in the claim (misfire, exclusions, next fire), judged now.
            let runs = try await store.claimDue(now: horizon, limit: limit, owner: configuration.owner, start: true,
                                                deciding: now)
            for run in runs { try await admitClaimed(run, now: now) }
            await releaseHeld(now: now)  // those due already open now
            if runs.count < limit {
                // The store had fewer due fires than the heap: some entries are stale (paused
                // or moved by another process). Re-read those schedules.
                var stale: [String] = []
                while let date = earliestFire(), date <= horizon, let id = fireHeap.popMin()?.id {
                    entries[id]?.next = nil
                    stale.append(id)
                }
                for id in stale { try await reloadSchedule(id) }
                guard let again = earliestFire(), again <= horizon else { return }
                // A backlog (after an outage or a full disk) comes one instant per schedule
                // per batch: while batches bring fires, claim on at once.
                if !runs.isEmpty { continue }
                // The store still says it is due but did not give it (another process is
                // claiming it right now): look again shortly rather than spin.
                claimPausedUntil = now.addingTimeInterval(0.2)
                return
            }
        }
    }

    /// How many rows one claim or finish transaction takes: `batch`, or only `claimSlice`
    /// while a held fire is due within the next 50 ms. On SQLite's single writer a fire's
    /// start mark waits for the transaction in progress; small slices keep that wait short
    /// when fires come every few milliseconds, and large batches keep a burst or a backlog
    /// cheap.
    func writeLimit(_ batch: Int, now: Date) -> Int {
        guard let next = local.nextHeld(), next.timeIntervalSince(now) < 0.05 else { return batch }
        return min(batch, configuration.claimSlice)
    }

    /// A fire the store just claimed and decided: one it recorded as missed or skipped is
    /// counted; one held under our lease waits for its jittered instant, then the overlap
    /// policy. The heap takes the next fire the claim's plan gave.
    func admitClaimed(_ run: Run, now: Date) async throws {
        // The store claimed it, so the schedule could fire when it did: an entry that says
        // otherwise (paused, disabled, unknown) is older than the claim and is read again.
        if entries[run.scheduleID]?.fireable != true { try await reloadSchedule(run.scheduleID) }
        metrics.fired()
        guard let entry = entries[run.scheduleID], let plan = entry.plan else {
            if !run.status.isTerminal { enqueueFinish(run, .failed, error: "schedule cannot be evaluated") }
            return
        }
        let cadence = plan.cadence
        let decision = plan.decide(scheduledMillis: Int64((run.scheduledAt.timeIntervalSince1970 * 1000).rounded()),
                                   fireCount: 0, now: now)
        setNext(run.scheduleID, decision.next.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        if decision.misfired { metrics.misfired() }
        if run.status.isTerminal {
            if run.status == .missed { metrics.missed(decision.missedLabel ?? "late") }
            metrics.finished(run.status)
            return
        }
        let scheduled = Int64(run.scheduledAt.timeIntervalSince1970.rounded(.down))
        var held = run
        let jitter = cadence.jitterOffset(for: scheduled)
        if jitter > 0 { held.firesAt = run.scheduledAt.addingTimeInterval(jitter) }
        // Claimed ahead, or jittered: held under our lease until its instant (one due now is
        // opened by the next release).
        local.claimed(held)
        heldWakeup.poke()
    }

    /// A fire at its instant: the overlap policy decides, looking at other replicas' runs of
    /// the schedule as they are now (not when the fire was claimed: a fire held or just
    /// finished elsewhere then is no run in flight now).
    func startFire(_ run: Run) async {
        let policy = entries[run.scheduleID]?.policies.overlap ?? .skip
        if let owner = try? await runningElsewhere(run, policy: policy) {
            enqueueFinish(run, .skipped, error: "previous run still running on \(owner) (overlap policy \(policy.rawValue))")
            return
        }
        gate(run)
    }

    /// With a store shared by replicas, the owner of an earlier fire of the same schedule
    /// still running in another process, when the overlap policy forbids running alongside it
    /// (`skip` and `buffer_one`; a run elsewhere cannot be buffered behind or cancelled).
    func runningElsewhere(_ run: Run, policy: OverlapPolicy) async throws -> String? {
        guard configuration.sharedStore, policy == .skip || policy == .bufferOne,
              local.activeBySchedule[run.scheduleID] == nil else { return nil }
        let others = try await store.activeRuns(scheduleID: run.scheduleID).filter {
            $0.status == .running && $0.owner != configuration.owner && $0.scheduledAt < run.scheduledAt
        }
        return others.first?.owner
    }

    /// Starts the runs queued in the store that are due (Run Now, retries, continuations,
    /// per-item runs, backfills), each taken with a fenced `holdQueued` so that only one process
    /// starts it.
    /// A continuation of a paused or disabled schedule is held until it is resumed; a session
    /// continuation is read again first (its session may have been deferred meanwhile).
    func promoteWaiting(now: Date) async throws {
        while let taken = local.takeDueQueued(now: now) {
            var run = taken.run
            if taken.movable {
                let found: Run?
                do {
                    found = try await store.run(id: run.id)
                } catch {
                    local.requeue(run, due: now.addingTimeInterval(1))  // read again shortly
                    throw error
                }
                guard let current = found, current.status == .queued else {
                    local.vanished(run.id)
                    continue
                }
                if current.firesAt > now {
                    local.requeue(current, due: current.firesAt)
                    continue
                }
                run = current
            }
            if run.step > 0, let entry = entries[run.scheduleID], !entry.enabled || entry.paused {
                local.park(run)
                continue
            }
            // A backfill's runs start at the pace `Backfill.mayStart` gives; the others wait,
            // queued (not held: a process that dies holds none of them).
            let backfill = run.trigger == .backfill && run.step == 0
            if backfill, !Backfill.mayStart(backfillPolicy(run), active: local.activeBySchedule[run.scheduleID, default: 0]
                                                + (local.buffered[run.scheduleID] == nil ? 0 : 1),
                                            freeSlots: freeSlots, maxConcurrent: configuration.maxConcurrent) {
                local.requeue(run, due: now.addingTimeInterval(1))
                continue
            }
            do {
                // Held, not started: it is marked running when a slot is free (`startReady`),
                // and goes back to the queue if this process dies before that.
                var started = try await store.holdQueued(id: run.id, owner: configuration.owner, at: now)
                started.firesAt = run.firesAt
                local.promoted(started)
                if backfill || started.itemKey != nil || [.manual, .resume, .retry, .continuation].contains(run.trigger) {
                    // Item runs, Run Now, continuations and retries are not subject to the
                    // overlap policy of new fires: they continue a fire that was let through.
                    // A backfill's run was paced above instead.
                    local.admit(started)
                } else {
                    gate(started)
                }
            } catch StoreError.leaseLost, StoreError.runNotFound {
                local.vanished(run.id)  // another process started it, or it was cancelled or purged
            } catch {
                // Not lost: it waits again, a second from now.
                local.requeue(run, due: now.addingTimeInterval(1))
                throw error
            }
        }
    }

    /// Applies the schedule's overlap policy to a fire about to start.
    func gate(_ run: Run) {
        perform(local.gate(run, policy: entries[run.scheduleID]?.policies.overlap ?? .skip))
    }

    /// The overlap policy a backfill's run goes by: the one the backfill named, else the schedule's.
    func backfillPolicy(_ run: Run) -> OverlapPolicy {
        Backfill.overlap(of: run) ?? entries[run.scheduleID]?.policies.overlap ?? .skip
    }

    /// Carries out what the local runs' state machine asks for.
    func perform(_ actions: [LocalRuns.Action]) {
        for action in actions {
            switch action {
            case .open(let run):
                logger.error("a held fire was opened outside its release", metadata: ["run": "\(run.id)"])
                enqueueFinish(run, .skipped, error: "not started")
            case .execute(let run):
                // The definition goes with the task when it is cached, so a burst of starts
                // does not queue on the actor.
                let cached = definitions[run.scheduleID].flatMap { $0.revision == entries[run.scheduleID]?.revision ? $0 : nil }
                tasks[run.id] = work.start { await self.execute(run, cached: cached) }
            case .cancel(let id):
                tasks[id]?.cancel()
            case .refuse(let run, let status, let reason):
                enqueueFinish(run, status, error: reason)
            }
        }
        metrics.setInFlight(local.executingCount)
    }

    /// Starts ready runs, earliest scheduled first, while slots are free. Held fires are marked
    /// running in the store first, in one transaction per `startBatch`, so a fire whose
    /// process dies before that goes back to the queue, and one that has started is never
    /// started again elsewhere; a held fire the store no longer holds for this process (it was
    /// taken over meanwhile) is dropped here. The runs of one batch execute while the next
    /// batch's marks are written.
    func startReady() async {
        while true {
            let batch = local.takeStartable(now: clock.now(), limit: configuration.startBatch)
            guard !batch.isEmpty else { return }
            let held = batch.filter { $0.status == .held }.map(\.id)
            var confirmed: Set<String> = []
            if !held.isEmpty {
                do {
                    confirmed = try await store.startHeld(ids: held, owner: configuration.owner, at: clock.now())
                } catch {
                    // Nothing started: they wait in `ready` and are tried again in a second (the
                    // store's recovery takes them back if this process never gets through).
                    logger.error("marking held fires started failed; retrying in 1 s", metadata: [
                        "runs": "\(held.count)", "error": "\(StoreFailure.describe(error))"])
                    local.startFailed(batch, retryAt: clock.now().addingTimeInterval(1))
                    wakeup.poke()
                    return
                }
                for id in held where !confirmed.contains(id) {
                    logger.warning("held fire taken over by another process; not started here", metadata: ["run": "\(id)"])
                }
            }
            let now = clock.now()
            perform(local.started(batch, confirmed: confirmed) { run in
                now.addingTimeInterval(self.entries[run.scheduleID]?.policies.timeoutSeconds ?? Policies().timeoutSeconds)
            })
            // A held fire this process lost (its lease expired and recovery queued it again)
            // waits here as a queued run, not until the next sweep.
            for id in held where !confirmed.contains(id) {
                if let run = try? await store.run(id: id), run.status == .queued { enqueueQueued(run) }
            }
        }
    }
}
