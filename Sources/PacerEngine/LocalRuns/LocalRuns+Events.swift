import Foundation
import HeapModule
import PacerCore

/// The events that bring runs in and move them toward a slot.
extension LocalRuns {
    /// A fire the store just claimed for this process: held until its instant (`firesAt`,
    /// after jitter), then opened by `releaseDue`.
    mutating func claimed(_ run: Run) {
        guard runs[run.id] == nil else { return }
        add(Local(run: run, phase: .held, due: run.firesAt))
        held.insert(Due(run.firesAt, run.id))
    }

    /// A run the store holds queued: it waits for its instant. A session wake-up already
    /// waiting takes its new instant (deferred, or woken now); any other known run is left
    /// where it is.
    mutating func queued(_ run: Run) {
        if var local = runs[run.id] {
            guard local.movable, local.phase == .queued || local.phase == .parked else { return }
            local.run = run
            local.due = run.firesAt
            runs[run.id] = local
            if local.phase == .queued { queued.insert(Due(run.firesAt, run.id)) }
            return
        }
        add(Local(run: run, phase: .queued, due: run.firesAt, movable: run.trigger == .resume))
        queued.insert(Due(run.firesAt, run.id))
    }

    /// Held fires whose instant has come: each is opened (checked, then gated or refused).
    mutating func releaseDue(now: Date) -> [Action] {
        var actions: [Action] = []
        while let due = Self.valid(&held, { runs[$0]?.phase == .held && runs[$0]?.due == $1 }), due <= now,
              let id = held.popMin()?.id, let local = runs[id] {
            setPhase(id, .opening)
            actions.append(.open(local.run))
        }
        return actions
    }

    /// The earliest queued run whose instant has come, taken to be started in the store (read
    /// again first when it is movable). The engine then reports `requeue`, `park`, `vanished`
    /// or `promoted`.
    mutating func takeDueQueued(now: Date) -> Local? {
        guard let due = Self.valid(&queued, { runs[$0]?.phase == .queued && runs[$0]?.due == $1 }), due <= now,
              let id = queued.popMin()?.id, let local = runs[id] else { return nil }
        setPhase(id, .opening)
        return local
    }

    /// A run taken at its instant waits again until `due` (its instant moved, or starting it
    /// failed and is tried again).
    mutating func requeue(_ run: Run, due: Date) {
        guard runs[run.id] != nil else { return }
        runs[run.id]?.run = run
        runs[run.id]?.due = due
        setPhase(run.id, .queued)
        queued.insert(Due(due, run.id))
    }

    /// A continuation of a paused or disabled schedule: it waits for `unpark`.
    mutating func park(_ run: Run) {
        guard runs[run.id] != nil else { return }
        setPhase(run.id, .parked)
        parked[run.scheduleID, default: []].append(run.id)
    }

    /// The schedule can fire again: its parked continuations wait for their instants.
    mutating func unpark(scheduleID: String) {
        for id in parked.removeValue(forKey: scheduleID) ?? [] where runs[id]?.phase == .parked {
            setPhase(id, .queued)
            if let due = runs[id]?.due { queued.insert(Due(due, id)) }
        }
    }

    /// A run is no longer this process's: started elsewhere, cancelled, purged, or taken over.
    mutating func vanished(_ id: String) {
        remove(id)
    }

    /// A queued run this process holds in the store; it is gated (`gate`) or let through
    /// (`admit`) next.
    mutating func promoted(_ run: Run) {
        guard runs[run.id] != nil else { return }
        runs[run.id]?.run = run
        runs[run.id]?.promoted = true
    }

    /// A run that continues a fire already let through (retry, continuation, Run Now, item
    /// run): not subject to the overlap policy of new fires.
    mutating func admit(_ run: Run) {
        markReady(run)
    }

    /// A new fire at its instant under the schedule's overlap policy, given the runs of the
    /// schedule active here.
    mutating func gate(_ run: Run, policy: OverlapPolicy) -> [Action] {
        let active = activeBySchedule[run.scheduleID, default: 0]
        switch OverlapDecision.decide(policy, running: active, buffered: buffered[run.scheduleID] != nil) {
        case .start:
            markReady(run)
            return []
        case .skip(let reason):
            return [.refuse(run, .skipped, reason)]
        case .buffer:
            ensure(run, phase: .buffered)
            buffered[run.scheduleID] = run.id
            return []
        case .cancelPreviousThenStart:
            var actions: [Action] = []
            for (id, local) in runs where local.phase == .executing && local.run.scheduleID == run.scheduleID {
                runs[id]?.cancelReason = "cancelled by a newer fire (overlap policy cancel_previous)"
                actions.append(.cancel(runID: id))
            }
            markReady(run)
            return actions.sorted { "\($0)" < "\($1)" }
        }
    }

    mutating func markReady(_ run: Run) {
        ensure(run, phase: .ready)
        runs[run.id]?.run = run
        activeBySchedule[run.scheduleID, default: 0] += 1
        ready.insert(Due(run.scheduledAt, run.id))
    }

    /// Puts a run in a phase, adding it when it is new (a fire opened by the engine directly).
    mutating func ensure(_ run: Run, phase: Phase) {
        if runs[run.id] == nil {
            add(Local(run: run, phase: .opening, due: run.firesAt))
        }
        setPhase(run.id, phase)
    }

    /// A schedule's active count after one of its runs left a slot; the fire buffered behind
    /// it becomes ready when none is left.
    mutating func release(_ scheduleID: String) {
        let left = max(0, activeBySchedule[scheduleID, default: 1] - 1)
        activeBySchedule[scheduleID] = left == 0 ? nil : left
        if left == 0, let next = buffered.removeValue(forKey: scheduleID), let run = runs[next]?.run {
            markReady(run)
        }
    }

    /// The deleted schedule's parked continuations are forgotten, and the fire buffered behind
    /// its running run is cancelled.
    mutating func scheduleDeleted(_ scheduleID: String) -> [Action] {
        for id in parked.removeValue(forKey: scheduleID) ?? [] where runs[id]?.phase == .parked { remove(id) }
        guard let id = buffered.removeValue(forKey: scheduleID), let run = runs[id]?.run else { return [] }
        return [.refuse(run, .cancelled, "schedule deleted before the run started")]
    }
}
