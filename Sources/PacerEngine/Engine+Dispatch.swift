import Foundation
import PacerCore
import PacerStore
import Recurrence

extension Engine {
    /// Claims fires due by `now + claimAhead` while slots are free, in batches of
    /// `claimBatch`, earliest first; those not yet due are held until their instant.
    func claim(now: Date) async throws {
        if let until = claimPausedUntil, until > now { return }
        claimPausedUntil = nil
        let horizon = now.addingTimeInterval(configuration.claimAhead)
        while let earliest = earliestFire(), earliest <= horizon {
            let limit = min(freeSlots, configuration.claimBatch)
            guard limit > 0 else { return }
            // The store decides each fire in the claim (misfire, exclusions, next fire), judged now.
            let runs = try await store.claimDue(now: horizon, limit: limit, owner: configuration.owner, start: true,
                                                deciding: now)
            for run in runs { try await admitClaimed(run, now: now) }
            if runs.count < limit {
                // The store had fewer due fires than the heap: some entries are stale (paused
                // or moved by another process). Re-read those schedules.
                var stale: [String] = []
                while let date = earliestFire(), date <= horizon, let (_, id) = fireHeap.popMin() {
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

    /// A fire the store just claimed and decided: one it recorded as missed or skipped is
    /// counted; one held under our lease waits for its jittered instant, then the overlap
    /// policy. The heap takes the next fire the claim's plan gave.
    func admitClaimed(_ run: Run, now: Date) async throws {
        if entries[run.scheduleID] == nil { try await reloadSchedule(run.scheduleID) }
        metrics.fired()
        guard let entry = entries[run.scheduleID], let cadence = entry.cadence else {
            if !run.status.isTerminal { enqueueFinish(run, .failed, error: "schedule cannot be evaluated") }
            return
        }
        let plan = ClaimPlan(cadence: cadence, exclusions: entry.exclusions, policies: entry.policies)
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
        if held.firesAt > now {
            // Claimed ahead, or jittered: held under our lease until its instant.
            waitingIDs.insert(run.id)
            self.held.insert(Waiting(run: held, due: held.firesAt))
            heldWakeup.poke()
            return
        }
        await startFire(held)
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
              activeBySchedule[run.scheduleID] == nil else { return nil }
        let others = try await store.activeRuns(scheduleID: run.scheduleID).filter {
            $0.status == .running && $0.owner != configuration.owner && $0.scheduledAt < run.scheduledAt
        }
        return others.first?.owner
    }

    /// Starts the runs queued in the store that are due (Run Now, retries, continuations,
    /// per-item runs), each taken with a fenced `startRun` so that only one process starts it.
    /// A continuation of a paused or disabled schedule is held until it is resumed; a session
    /// continuation is read again first (its session may have been deferred meanwhile).
    func promoteWaiting(now: Date) async throws {
        while let w = waiting.min, w.due <= now {
            waiting.popMin()
            guard waitingIDs.contains(w.run.id) else { continue }  // a moved run's older entry
            if movable.contains(w.run.id) {
                let found: Run?
                do {
                    found = try await store.run(id: w.run.id)
                } catch {
                    waiting.insert(Waiting(run: w.run, due: now.addingTimeInterval(1)))  // read again shortly
                    throw error
                }
                guard let current = found, current.status == .queued else {
                    waitingIDs.remove(w.run.id)
                    movable.remove(w.run.id)
                    continue
                }
                if current.firesAt > now {
                    waiting.insert(Waiting(run: current, due: current.firesAt))
                    continue
                }
            }
            if w.run.step > 0, let entry = entries[w.run.scheduleID], !entry.enabled || entry.paused {
                if parked[w.run.scheduleID]?.contains(where: { $0.id == w.run.id }) != true {
                    parked[w.run.scheduleID, default: []].append(w.run)
                }
                continue
            }
            waitingIDs.remove(w.run.id)
            movable.remove(w.run.id)
            do {
                var run = try await store.startRun(id: w.run.id, owner: configuration.owner, at: now)
                run.firesAt = w.run.firesAt
                promotedIDs.insert(run.id)
                if run.itemKey != nil || [.manual, .resume, .retry, .continuation].contains(w.run.trigger) {
                    // Item runs, Run Now, continuations and retries are not subject to the
                    // overlap policy of new fires: they continue a fire that was let through.
                    markReady(run)
                } else {
                    gate(run)
                }
            } catch StoreError.leaseLost, StoreError.runNotFound {
                continue  // another process started it, or it was cancelled or purged
            } catch {
                // Not lost: it waits again, a second from now.
                waitingIDs.insert(w.run.id)
                if w.run.trigger == .resume { movable.insert(w.run.id) }
                waiting.insert(Waiting(run: w.run, due: now.addingTimeInterval(1)))
                throw error
            }
        }
    }

    /// Applies the overlap policy to a run about to start.
    func gate(_ run: Run) {
        let policy = entries[run.scheduleID]?.policies.overlap ?? .skip
        let active = activeBySchedule[run.scheduleID, default: 0]
        switch OverlapDecision.decide(policy, running: active, buffered: buffered[run.scheduleID] != nil) {
        case .start:
            markReady(run)
        case .skip(let reason):
            enqueueFinish(run, .skipped, error: reason)
        case .buffer:
            buffered[run.scheduleID] = run
        case .cancelPreviousThenStart:
            for (id, execution) in executing where execution.scheduleID == run.scheduleID {
                cancelReasons[id] = "cancelled by a newer fire (overlap policy cancel_previous)"
                execution.task.cancel()
            }
            markReady(run)
        }
    }

    func markReady(_ run: Run) {
        activeBySchedule[run.scheduleID, default: 0] += 1
        ready.insert(Waiting(run: run, due: run.firesAt))
    }

    /// Starts ready runs, earliest scheduled first, while slots are free. Held fires are marked
    /// running in the store first, in one transaction for the batch, so a fire whose process
    /// dies before that goes back to the queue, and one that has started is never started
    /// again elsewhere; a held fire the store no longer holds for this process (it was taken
    /// over meanwhile) is dropped here.
    func startReady() async {
        if let retryAt = startRetryAt {
            guard clock.now() >= retryAt else { return }
            startRetryAt = nil
        }
        var batch: [Run] = []
        while executing.count + starting < configuration.maxConcurrent, let run = ready.popMin()?.run {
            promotedIDs.remove(run.id)
            if droppedIDs.remove(run.id) != nil {
                logger.info("run finished elsewhere before it started; not started here", metadata: ["run": "\(run.id)"])
                release(run.scheduleID)
                continue
            }
            batch.append(run)
        }
        guard !batch.isEmpty else { return }
        starting += batch.count
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
                starting -= batch.count
                for run in batch { ready.insert(Waiting(run: run, due: run.firesAt)) }
                startRetryAt = clock.now().addingTimeInterval(1)
                wakeup.poke()
                return
            }
        }
        starting -= batch.count
        for var run in batch {
            if run.status == .held {
                guard confirmed.contains(run.id) else {
                    logger.warning("held fire taken over by another process; not started here", metadata: ["run": "\(run.id)"])
                    release(run.scheduleID)
                    continue
                }
                run.status = .running
            }
            // The definition goes with the task when it is cached, so a burst of starts does
            // not queue on the actor.
            let cached = definitions[run.scheduleID].flatMap { $0.revision == entries[run.scheduleID]?.revision ? $0 : nil }
            let task = Task { await self.execute(run, cached: cached) }
            executing[run.id] = Execution(scheduleID: run.scheduleID, task: task)
            let timeout = entries[run.scheduleID]?.policies.timeoutSeconds ?? Policies().timeoutSeconds
            timeouts.insert((clock.now().addingTimeInterval(timeout), run.id))
            metrics.setInFlight(executing.count)
        }
    }

    /// A schedule's active count after one of its runs left without executing.
    func release(_ scheduleID: String) {
        let left = max(0, activeBySchedule[scheduleID, default: 1] - 1)
        activeBySchedule[scheduleID] = left == 0 ? nil : left
        if left == 0, let next = buffered.removeValue(forKey: scheduleID) { markReady(next) }
    }
}
