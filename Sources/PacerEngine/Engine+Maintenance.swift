import Foundation
import Logging
import PacerCore
import PacerStore

extension Engine {
    /// Periodic work: the safety sweep, lease heartbeats, recovery of abandoned runs and the
    /// retention sweep, each when its interval has passed.
    func maintain(now: Date) async throws {
        if now >= lastBeat.addingTimeInterval(configuration.livenessInterval) {
            lastBeat = now
            do {
                try await store.beat(owner: configuration.owner, at: now)
                if beatFailing { reconnectedAt = now }
                beatFailing = false
            } catch {
                beatFailing = true
                throw error
            }
        }
        if now >= lastSweep.addingTimeInterval(configuration.safetySweepInterval) {
            try await sweep(now: now)
        }
        if now >= lastHeartbeat.addingTimeInterval(configuration.heartbeatInterval) {
            await renewLeases(now: now)
        }
        // An engine that runs given runs only leaves the others' work to the servers.
        let serving = configuration.onlyRuns == nil
        if serving, now >= lastRecovery.addingTimeInterval(configuration.recoveryInterval), mayJudgeOthers(now: now) {
            try await recoverAbandoned(now: now)
        }
        if serving, now >= lastRetention.addingTimeInterval(configuration.retentionInterval) {
            lastRetention = now
            let cutoff = now.addingTimeInterval(-configuration.retentionDays * 86_400)
            let counts = try await store.purge(before: cutoff)
            logger.info("retention sweep", metadata: [
                "runs": "\(counts.runs)", "sessions": "\(counts.sessions)", "events": "\(counts.events)"])
        }
    }

    /// Renews the lease of every run this process holds: executing, buffered, or waiting for
    /// its jitter. A run whose lease was lost (marked abandoned, finished elsewhere) is
    /// stopped: this process writes nothing more for it.
    func renewLeases(now: Date) async {
        lastHeartbeat = now
        for id in local.leasedIDs {
            do {
                try await store.heartbeat(runID: id, owner: configuration.owner, at: now)
            } catch StoreError.leaseLost, StoreError.runNotFound {
                logger.warning("lease lost; stopping the run", metadata: ["run": "\(id)"])
                perform(local.leaseLost(id))
            } catch {
                logger.error("heartbeat failed", metadata: ["run": "\(id)", "error": "\(StoreFailure.describe(error))"])
            }
        }
    }

    /// Whether this process may judge others dead by their stale beats and leases: not right
    /// after it could not reach the store itself (an outage stops every process's beats and
    /// renewals alike), only once its own beats have been written again for long enough that
    /// every live process has beaten and renewed its leases since.
    func mayJudgeOthers(now: Date) -> Bool {
        guard !beatFailing else { return false }
        guard let back = reconnectedAt else { return true }
        let settle = max(configuration.livenessTimeout, configuration.heartbeatInterval) + configuration.livenessInterval
        if now < back.addingTimeInterval(settle) { return false }
        reconnectedAt = nil
        return true
    }

    /// Takes over the work of processes that stopped: their held fires come back to the queue
    /// (started by this or another live process, no attempt spent), and their running runs
    /// (or any whose lease expired) are abandoned and retried per the schedule's retry policy.
    func recoverAbandoned(now: Date) async throws {
        lastRecovery = now
        // The only engine the store can have takes over all other work at once when it starts.
        let takeAll = configuration.exclusiveStore && !recoveredOnce
        // An abandoned run's retry is written with its mark, in the same transaction.
        let random = configuration.random
        let recovery = try await store.recover(now: now, leaseTimeout: takeAll ? 0.001 : configuration.leaseTimeout,
                                               livenessTimeout: takeAll ? 0.001 : configuration.livenessTimeout,
                                               retry: { run, policy in
            RetryDecision.nextAttempt(of: run, status: .abandoned, outcome: nil, policy: policy, now: now, unit: random())
        })
        recoveredOnce = true
        for run in recovery.requeued {
            logger.warning("held fire taken over (its process stopped)", metadata: ["run": "\(run.id)"])
            enqueueQueued(run)
        }
        for run in recovery.queued {
            logger.info(run.trigger == .retry ? "retry queued by recovery" : "session wake-up queued by recovery",
                        metadata: ["run": "\(run.id)", "step": "\(run.step)", "attempt": "\(run.attempt)"])
            enqueueQueued(run)
        }
        for run in recovery.abandoned {
            logger.warning("run abandoned (its process stopped renewing the lease)",
                           metadata: ["run": "\(run.id)", "owner": "\(run.owner ?? "")"])
            metrics.finished(.abandoned)
            if entries[run.scheduleID] == nil { try await reloadSchedule(run.scheduleID) }
            guard let entry = entries[run.scheduleID] else { continue }
            await pauseIfFailing(run.scheduleID, limit: entry.policies.pauseAfterFailures)
        }
    }

    /// Graceful drain: claims have stopped; fires held or waiting for a slot but not started
    /// are handed back to the queue for a live process (they were never attempts); running
    /// runs get `drainTimeout` to end, then are cancelled; finishes are written.
    func drain() async {
        let deadline = clock.now().addingTimeInterval(configuration.drainTimeout)
        logger.info("draining", metadata: ["running": "\(local.executingCount)"])
        let unstarted = local.drain()
        if !unstarted.isEmpty {
            do {
                try await store.handBack(ids: unstarted.map(\.id), owner: configuration.owner, at: clock.now())
                logger.info("handed back unstarted fires", metadata: ["runs": "\(unstarted.count)"])
            } catch {
                // Their leases expire and a live process takes them back then.
                logger.error("handing back unstarted fires failed", metadata: ["error": "\(StoreFailure.describe(error))"])
            }
        }
        while local.executingCount > 0, clock.now() < deadline {
            await flushFinishes()
            await wakeup.wait(until: min(deadline, clock.now().addingTimeInterval(1)), clock: clock)
        }
        perform(local.cancelAll(reason: "server stopped (drain timeout)"))
        for job in tasks.values { await job.wait() }
        // Results not written yet are written again until the drain deadline (then the store's
        // lease recovery settles them).
        repeat {
            await flushFinishes()
            if !local.hasFinishes { break }
            await wakeup.wait(until: min(deadline, local.finishRetryAt ?? deadline), clock: clock)
        } while clock.now() < deadline
        if local.hasFinishes {
            logger.error("stopped with finishes unwritten", metadata: ["runs": "\(local.finishOrder.count)"])
        }
        // Deliveries in flight get the rest of the drain deadline.
        while !deliveries.isEmpty, clock.now() < deadline {
            await wakeup.wait(until: min(deadline, clock.now().addingTimeInterval(1)), clock: clock)
        }
        if !deliveries.isEmpty {
            logger.warning("stopped with deliveries in flight", metadata: ["deliveries": "\(deliveries.count)"])
            for job in deliveries.values { job.cancel() }
            for job in deliveries.values { await job.wait() }
        }
        logger.info("drained")
    }

    /// For tests: passes of the loop until nothing is executing, ready or waiting to be
    /// written, and the next deadline lies in the future.
    public func settle() async {
        while true {
            let deadline = await step()
            for job in tasks.values { await job.wait() }
            if local.isIdle, !feedDirty,
               deadline.map({ $0 > clock.now() }) ?? true {
                return
            }
        }
    }
}
