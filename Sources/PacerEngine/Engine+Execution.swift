import Foundation
import PacerCore
import PacerStore

extension Engine {
    /// How a run ended, with the engine's own endings (timeout, cancellation) folded in.
    struct Ending: Sendable {
        var status: Run.Status
        var outcome: RunOutcome
        /// Whether the result goes to the schedule's delivery (not for a run the gate refused:
        /// nothing ran, and the delivery is as refused as the rest).
        var delivers = true
    }

    /// Executes one run off the actor: reads items when the dispatch asks for them, runs the
    /// target under the timeout, and hands the ending back.
    nonisolated func execute(_ run: Run, cached: Schedule?) async {
        let started = clock.now()
        metrics.recordLateness(started.timeIntervalSince(run.firesAt))
        var found = cached
        if found == nil { found = try? await definition(run.scheduleID) }
        if Task.isCancelled {
            // Cancelled before its target was called (a timeout, the service cancelled): a
            // read that failed for it is no failure of the run.
            await completed(run, await cancelledEnding(run), startedAt: started)
            return
        }
        guard let schedule = found else {
            await completed(run, Ending(status: .failed, outcome: .failed("schedule was deleted", failure: .permanent)),
                            startedAt: started)
            return
        }
        let ending: Ending
        if let refusal = await runners.gate?.refusal(for: schedule) {
            // Nothing of the run executes, its item source included.
            ending = Ending(status: .failed, outcome: refusal, delivers: false)
        } else if schedule.dispatch.mode == .perItem && run.itemKey == nil && run.step == 0 {
            ending = await fanOut(run, schedule: schedule, now: started)
        } else {
            ending = await runTarget(run, schedule: schedule, started: started)
        }
        metrics.recordDuration(clock.now().timeIntervalSince(started))
        await completed(run, ending, startedAt: started)
    }

    /// Runs the target. The engine cancels this task at the schedule's timeout (then the run
    /// is `timed_out`) or for overlap `cancel_previous`, a lost lease or the drain deadline
    /// (then it is `cancelled`).
    nonisolated func runTarget(_ run: Run, schedule: Schedule, started: Date) async -> Ending {
        guard let runner = runners.byKind[schedule.target.kind] else {
            return Ending(status: .failed, outcome: .failed(
                "this server has no runner for \(schedule.target.kind.rawValue) targets", failure: .permanent))
        }
        var request = RunRequest(schedule: schedule, run: run)
        do {
            // A later step (a woken session, a continuation) reads what its state holds, not
            // the item source again.
            if run.step == 0 && run.trigger != .resume { try await loadItems(into: &request, schedule: schedule) }
        } catch {
            if Task.isCancelled { return await cancelledEnding(run) }
            return Ending(status: .failed, outcome: .failed("items: \(error)"))
        }
        let result = await runner.run(request)
        if Task.isCancelled {
            if await wasTimedOut(run.id) {
                let timeout = schedule.policies.timeoutSeconds
                return Ending(status: .timedOut, outcome: .failed("timed out after \(MisfireDecision.duration(timeout))",
                                                                  output: result.output))
            }
            let reason = await cancelReason(run.id)
            return Ending(status: .cancelled, outcome: RunOutcome(status: .cancelled, output: result.output,
                                                                  error: reason, failure: .permanent, retryAfter: nil))
        }
        return Ending(status: result.status == .succeeded ? .succeeded : .failed, outcome: result)
    }

    /// The ending of a run the engine cancelled before its target ran.
    func cancelledEnding(_ run: Run) -> Ending {
        if local.isTimedOut(run.id) {
            let timeout = entries[run.scheduleID]?.policies.timeoutSeconds ?? Policies().timeoutSeconds
            return Ending(status: .timedOut, outcome: .failed("timed out after \(MisfireDecision.duration(timeout))"))
        }
        return Ending(status: .cancelled, outcome: RunOutcome(status: .cancelled, output: nil, error: cancelReason(run.id),
                                                              failure: .permanent, retryAfter: nil))
    }

    func cancelReason(_ id: String) -> String { local.cancelReason(of: id) ?? "cancelled" }

    func wasTimedOut(_ id: String) -> Bool { local.isTimedOut(id) }

    /// Gives a request the item of a per-item run, or all items of a single fire with a source.
    nonisolated func loadItems(into request: inout RunRequest, schedule: Schedule) async throws {
        guard let source = schedule.dispatch.source else { return }
        if let key = request.run.itemKey {
            if let item = await takeItem(request.run.id) {
                request.item = item
                return
            }
            // Not in memory (a retry, or another process fanned out): read the source again.
            let items = try await readItems(source)
            guard let index = items.indices.first(where: { schedule.dispatch.key(of: items[$0], index: $0) == key }) else {
                throw EngineError("item '\(key)' is no longer in the source")
            }
            request.item = items[index]
        } else {
            request.items = Array(try await readItems(source).prefix(schedule.dispatch.maxItemsPerFire))
        }
    }

    nonisolated func readItems(_ source: ItemSource) async throws -> [JSONValue] {
        if case .static(let items) = source { return items }
        guard let reader = runners.items else { throw EngineError("this server cannot read item sources") }
        return try await reader.items(from: source)
    }

    func takeItem(_ runID: String) -> JSONValue? { itemsByRun.removeValue(forKey: runID) }

    /// A per-item fire: reads the items and queues one run per item (same scheduled instant,
    /// the item's key); the fire's own run succeeds with the list of keys.
    nonisolated func fanOut(_ run: Run, schedule: Schedule, now: Date) async -> Ending {
        guard let source = schedule.dispatch.source else {
            return Ending(status: .failed, outcome: .failed("per_item dispatch without a source", failure: .permanent))
        }
        let items: [JSONValue]
        do {
            items = Array(try await readItems(source).prefix(schedule.dispatch.maxItemsPerFire))
        } catch {
            if Task.isCancelled { return await cancelledEnding(run) }
            return Ending(status: .failed, outcome: .failed("items: \(error)"))
        }
        var keys: [String] = []
        for (index, item) in items.enumerated() {
            let key = schedule.dispatch.key(of: item, index: index)
            var child = Run(id: PacerID.make(.run, at: now), scheduleID: run.scheduleID, scheduledAt: run.scheduledAt,
                            firesAt: now, attempt: 1, status: .queued, trigger: run.trigger, itemKey: key)
            child.owner = nil
            do {
                let stored = try await store.insertRun(child)
                await remember(item, for: stored)
                keys.append(key)
            } catch StoreError.duplicateRun {
                continue  // the same item listed twice, or this fire fanned out before a crash
            } catch {
                return Ending(status: .failed, outcome: .failed("queueing item '\(key)': \(error)"))
            }
        }
        return Ending(status: .succeeded, outcome: .succeeded(
            output: "\(keys.count) item run(s) queued" + (keys.isEmpty ? "" : ": " + keys.joined(separator: ", "))))
    }

    func remember(_ item: JSONValue, for run: Run) {
        itemsByRun[run.id] = item
        enqueueQueued(run)
    }

    /// A run ended: free its slot, release a buffered fire, queue its finish with the fire's
    /// next run (its continuation, or its retry), written in one transaction.
    func completed(_ run: Run, _ given: Ending, startedAt: Date) {
        var ending = given
        tasks[run.id] = nil
        _ = local.ended(run.id)
        metrics.setInFlight(local.executingCount)
        var finished = run
        finished.startedAt = startedAt
        let now = clock.now()
        var next: Run? = nil
        if ending.status == .succeeded, let continuation = ending.outcome.continuation {
            if let problem = ContinuationCheck.problem(continuation) {
                ending = Ending(status: .failed, outcome: .failed(problem, output: ending.outcome.output, failure: .permanent))
            } else {
                next = run.followUp(id: PacerID.make(.run, at: now), at: continuation.at, trigger: continuation.trigger,
                                    state: continuation.state)
                if continuation.trigger == .resume { next?.sessionID = ending.outcome.sessionID ?? run.sessionID }
            }
        }
        let o = ending.outcome
        if next == nil, let policy = entries[run.scheduleID]?.policies.retry {
            next = RetryDecision.nextAttempt(of: run, status: ending.status, outcome: o, policy: policy, now: now,
                                             unit: configuration.random())
        }
        local.queueFinish(PendingFinish(
            finish: RunFinish(id: run.id, status: ending.status, at: now, output: o.output, error: o.error,
                              startedAt: startedAt, firesAt: run.firesAt == run.scheduledAt ? nil : run.firesAt,
                              next: next, sessionID: o.sessionID),
            run: finished, outcome: o, delivers: ending.delivers))
        wakeup.poke()
    }

    /// Queues the finish of a run that never executed (skipped, cancelled).
    func enqueueFinish(_ run: Run, _ status: Run.Status, error: String?) {
        local.queueFinish(PendingFinish(finish: RunFinish(id: run.id, status: status, at: clock.now(), error: error),
                                         run: run, outcome: nil))
        metrics.finished(status)
    }
}

/// An engine failure with a message for the run's error field.
struct EngineError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
