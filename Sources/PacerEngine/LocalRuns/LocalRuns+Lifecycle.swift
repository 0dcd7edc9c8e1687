import Foundation
import HeapModule
import PacerCore
import PacerStore

/// The events of a run in a slot, its end and its finish, and the drain.
extension LocalRuns {
    /// Ready runs taken into free slots, earliest scheduled first, at most `limit` (none
    /// before `startRetryAt`).
    /// A run finished elsewhere meanwhile leaves without executing. The engine writes the
    /// start marks of the held fires among them, then reports `started` or `startFailed`.
    mutating func takeStartable(now: Date, limit: Int = .max) -> [Run] {
        if let retryAt = startRetryAt {
            guard now >= retryAt else { return [] }
            startRetryAt = nil
        }
        var batch: [Run] = []
        while batch.count < limit, executingCount + startingCount < maxConcurrent, let id = ready.popMin()?.id {
            guard let local = runs[id], local.phase == .ready else { continue }
            if local.dropped {
                remove(id)
                release(local.run.scheduleID)
                continue
            }
            setPhase(id, .starting)
            batch.append(local.run)
        }
        return batch
    }

    /// The start marks were written: the held fires the store confirmed, and the runs that
    /// needed no mark, execute until `deadline(run)`; a held fire the store no longer gives this
    /// process (taken over meanwhile) leaves its slot.
    mutating func started(_ batch: [Run], confirmed: Set<String>, deadline: (Run) -> Date) -> [Action] {
        var actions: [Action] = []
        for var run in batch where runs[run.id]?.phase == .starting {
            if runs[run.id]?.dropped == true {
                remove(run.id)
                release(run.scheduleID)
                continue
            }
            if run.status == .held {
                guard confirmed.contains(run.id) else {
                    remove(run.id)
                    release(run.scheduleID)
                    continue
                }
                run.status = .running
            }
            runs[run.id]?.run = run
            runs[run.id]?.promoted = false
            setPhase(run.id, .executing)
            let at = deadline(run)
            runs[run.id]?.deadline = at
            timeouts.insert(Due(at, run.id))
            actions.append(.execute(run))
        }
        return actions
    }

    /// Writing the start marks failed: the runs wait in `ready` again until `retryAt`.
    mutating func startFailed(_ batch: [Run], retryAt: Date) {
        for run in batch where runs[run.id]?.phase == .starting {
            setPhase(run.id, .ready)
            ready.insert(Due(run.scheduledAt, run.id))
        }
        startRetryAt = retryAt
    }

    /// Executing runs whose deadline has passed are cancelled and end as `timed_out`.
    mutating func expire(now: Date) -> [Action] {
        var actions: [Action] = []
        while let deadline = earliestTimeout(), deadline <= now, let id = timeouts.popMin()?.id {
            runs[id]?.timedOut = true
            actions.append(.cancel(runID: id))
        }
        return actions
    }

    /// Cancels an executing run (a lost lease, a finish written elsewhere, the drain deadline);
    /// a promoted run waiting for a slot is dropped instead. The first reason is kept.
    mutating func cancel(_ id: String, reason: String) -> [Action] {
        guard let local = runs[id] else { return [] }
        switch local.phase {
        case .executing:
            if local.cancelReason == nil, !local.timedOut { runs[id]?.cancelReason = reason }
            return [.cancel(runID: id)]
        case .ready, .buffered, .starting:
            if local.promoted { runs[id]?.dropped = true }
            return []
        default:
            return []
        }
    }

    /// Its lease was lost (abandoned, or finished elsewhere): an executing run is stopped, a
    /// buffered fire forgotten; this process writes nothing more for them.
    mutating func leaseLost(_ id: String) -> [Action] {
        guard let local = runs[id] else { return [] }
        switch local.phase {
        case .executing: return cancel(id, reason: "lease lost")
        case .buffered:
            remove(id)
            return []
        default: return []
        }
    }

    /// A run's task ended: its slot is free (a fire buffered behind it becomes ready). Returns
    /// why the engine cancelled it, if it did.
    mutating func ended(_ id: String) -> (cancelReason: String?, timedOut: Bool)? {
        guard let local = runs[id], local.phase == .executing else { return nil }
        setPhase(id, .finishing)
        runs[id]?.cancelReason = nil
        runs[id]?.timedOut = false
        release(local.run.scheduleID)
        return (local.cancelReason, local.timedOut)
    }

    /// A finish to write: of a run that ended, or of one refused before it executed. The
    /// first finish of a run is the one written.
    mutating func queueFinish(_ pending: PendingFinish) {
        let id = pending.finish.id
        if runs[id] == nil { add(Local(run: pending.run, phase: .opening, due: pending.run.firesAt)) }
        guard let old = runs[id], old.finish == nil else { return }
        if [.ready, .starting, .executing].contains(old.phase) { release(old.run.scheduleID) }
        if buffered[old.run.scheduleID] == id { buffered[old.run.scheduleID] = nil }
        setPhase(id, .finishing)
        runs[id]?.finish = pending
        finishOrder.append(id)
    }

    /// The next finishes to write, oldest first (none before `finishRetryAt`).
    mutating func takeFinishes(limit: Int, now: Date) -> [PendingFinish] {
        if let at = finishRetryAt, at > now { return [] }
        finishRetryAt = nil
        let ids = finishOrder.prefix(limit)
        finishOrder.removeFirst(ids.count)
        return ids.compactMap { runs[$0]?.finish }
    }

    /// A finish was written, or refused for a lost lease: the run is no longer local.
    mutating func finishDone(_ id: String) {
        remove(id)
    }

    /// Finishes the store could not write: written again first, from `retryAt`.
    mutating func finishesUnwritten(_ ids: [String], retryAt: Date) {
        finishOrder = ids.filter { runs[$0]?.phase == .finishing } + finishOrder
        finishRetryAt = retryAt
    }

    /// Graceful drain: every fire not started (held, ready, buffered) leaves, to be handed
    /// back to the queue for a live process (unless it finished elsewhere meanwhile);
    /// executing runs go on to their end.
    mutating func drain() -> [Run] {
        buffered.removeAll()
        let unstarted = runs.values.filter { [.held, .ready, .buffered].contains($0.phase) }
            .sorted { ($0.run.scheduledAt, $0.run.id) < ($1.run.scheduledAt, $1.run.id) }
        for local in unstarted {
            if local.phase == .ready { release(local.run.scheduleID) }
            remove(local.run.id)
        }
        // One finished elsewhere meanwhile is not handed back: it is over.
        return unstarted.filter { !$0.dropped }.map(\.run)
    }

    /// The drain deadline: every executing run is cancelled with this reason.
    mutating func cancelAll(reason: String) -> [Action] {
        executingIDs.sorted().flatMap { cancel($0, reason: reason) }
    }
}
