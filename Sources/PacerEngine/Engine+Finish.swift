import Foundation
import Logging
import PacerCore
import PacerStore

extension Engine {
    /// Writes queued finishes in batches (one transaction each on SQLite; small ones while a
    /// held fire is due, see ``writeLimit(_:now:)``), then carries out
    /// what follows a finish: retry, pause after failures, delivery. A finish the store could
    /// not write stays queued (its run's lease still renewed) and is written again a second
    /// later, until it is written or the process dies: a result is never dropped.
    func flushFinishes() async {
        var unwritten: [String] = []
        while unwritten.isEmpty {
            let now = clock.now()
            let batch = local.takeFinishes(limit: writeLimit(configuration.finishBatch, now: now), now: now)
            guard !batch.isEmpty else { break }
            let results = await store.finishRuns(batch.map(\.finish), owner: configuration.owner)
            for (pending, error) in zip(batch, results) {
                switch error {
                case nil:
                    local.finishDone(pending.finish.id)
                    var run = pending.run
                    run.status = pending.finish.status
                    run.finishedAt = pending.finish.at
                    run.output = pending.finish.output.map(Run.excerpt)
                    run.error = pending.finish.error
                    if let firesAt = pending.finish.firesAt { run.firesAt = firesAt }
                    if let session = pending.finish.sessionID { run.sessionID = session }
                    if pending.outcome != nil { metrics.finished(run.status) }
                    if let next = pending.finish.next {
                        enqueueQueued(next)
                        logger.info(next.trigger == .retry ? "retry queued" : "continuation queued", metadata: [
                            "run": "\(run.id)", "step": "\(next.step)", "attempt": "\(next.attempt)"])
                    }
                    await afterFinish(run, outcome: pending.outcome, delivers: pending.delivers)
                case StoreError.leaseLost?, StoreError.runNotFound?:
                    local.finishDone(pending.finish.id)
                    logger.warning("lease lost; result discarded", metadata: ["run": "\(pending.run.id)"])
                case let error?:
                    if unwritten.isEmpty {
                        logger.error("writing a finish failed; it is written again", metadata: ["run": "\(pending.run.id)", "error": "\(StoreFailure.describe(error))"])
                    }
                    unwritten.append(pending.finish.id)
                }
            }
        }
        if !unwritten.isEmpty { local.finishesUnwritten(unwritten, retryAt: clock.now().addingTimeInterval(1)) }
    }

    /// Retry, pause after failures and delivery for a run the store has finished.
    func afterFinish(_ run: Run, outcome: RunOutcome?, delivers: Bool = true) async {
        guard let entry = entries[run.scheduleID] else { return }
        if outcome != nil, run.status == .failed || run.status == .timedOut {
            await pauseIfFailing(run.scheduleID, limit: entry.policies.pauseAfterFailures)
        }
        if outcome != nil, delivers, entry.delivers, run.status != .cancelled, let schedule = try? await definition(run.scheduleID) {
            deliver(run, schedule: schedule, text: outcome?.text)
        }
    }

    /// Pauses a schedule whose consecutive failures reached `pause_after_failures`.
    func pauseIfFailing(_ id: String, limit: Int?) async {
        guard let limit else { return }
        do {
            guard let state = try await store.state(scheduleID: id), !state.isPaused,
                  state.consecutiveFailures >= limit else { return }
            let reason = "paused after \(state.consecutiveFailures) consecutive failed runs (pause_after_failures \(limit))"
            try await store.setPaused(scheduleID: id, reason: reason)
            entries[id]?.paused = true
            setNext(id, nil)
            logger.warning("schedule paused", metadata: ["schedule": "\(id)", "reason": "\(reason)"])
        } catch {
            logger.error("pausing a failing schedule failed", metadata: ["schedule": "\(id)", "error": "\(StoreFailure.describe(error))"])
        }
    }

    /// Delivers a finished run's result in the background; a failure is recorded on the run.
    /// Deliveries in flight are tracked: a draining engine waits for them (up to its deadline).
    func deliver(_ run: Run, schedule: Schedule, text: String? = nil) {
        guard let deliverer = runners.deliverer else { return }
        var report = RunReport(schedule: schedule, run: run)
        if let text, run.status == .succeeded { report.output = text }  // the whole text, not the excerpt
        let store = self.store, logger = self.logger, sent = report
        deliveryCount += 1
        let id = deliveryCount
        deliveries[id] = work.start {
            do {
                try await deliverer.deliver(sent, to: schedule.delivery)
            } catch {
                logger.warning("delivery failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
                try? await store.recordDeliveryError(runID: run.id, error: "\(error)")
            }
            await self.delivered(id)
        }
    }

    func delivered(_ id: Int) {
        deliveries[id] = nil
        if deliveries.isEmpty { wakeup.poke() }
    }
}
