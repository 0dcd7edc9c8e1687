import Foundation
import PacerCore
import PacerStore
import Recurrence

extension Engine {
    /// Reads every schedule, its state and the runs queued in the store.
    func load(now: Date) async throws {
        feedCursor = try await store.lastEventSequence()
        feedDirty = false
        try await sweep(now: now)
        for run in try await store.activeRuns(scheduleID: nil) where run.status == .queued {
            enqueueQueued(run)
        }
        loaded = true
    }

    /// Re-reads every schedule and state (at start and on the slow safety sweep).
    func sweep(now: Date) async throws {
        let schedules = try await store.schedules()
        let states = try await store.states()
        var byID: [String: ScheduleState] = [:]
        for s in states { byID[s.scheduleID] = s }
        var seen: Set<String> = []
        for schedule in schedules {
            seen.insert(schedule.id)
            apply(schedule, state: byID[schedule.id])
        }
        for id in entries.keys where !seen.contains(id) { forget(id) }
        lastSweep = now
    }

    /// Reads the store's events since the last pass and follows them: changed schedules are
    /// re-read, newly queued runs (Run Now, retries by other processes) wait to start, and a
    /// run finished by someone else while it executes here is cancelled.
    func readFeed() async throws {
        feedDirty = false
        var reload: Set<String> = []
        var deleted: Set<String> = []
        var queued: [String] = []
        var finishedElsewhere: [String] = []
        while true {
            let page = try await store.events(after: feedCursor, limit: 2000)
            for e in page {
                switch e.event.kind {
                case .scheduleCreated, .scheduleUpdated, .scheduleStateChanged:
                    reload.insert(e.event.entityID)
                case .scheduleDeleted:
                    deleted.insert(e.event.entityID)
                case .runQueued:
                    if !waitingIDs.contains(e.event.entityID) { queued.append(e.event.entityID) }
                case .runFinished:
                    if executing[e.event.entityID] != nil { finishedElsewhere.append(e.event.entityID) }
                default:
                    break
                }
            }
            feedCursor = page.last?.sequence ?? feedCursor
            if page.count < 2000 { break }
        }
        for id in deleted { forget(id) }
        for id in reload.subtracting(deleted) { try await reloadSchedule(id) }
        for id in queued {
            if let run = try await store.run(id: id), run.status == .queued { enqueueQueued(run) }
        }
        for id in finishedElsewhere {
            if let run = try await store.run(id: id), run.status.isTerminal, let execution = executing[id] {
                cancelReasons[id] = "finished elsewhere as \(run.status.rawValue)"
                execution.task.cancel()
            }
        }
    }

    /// Re-reads one schedule and its state.
    func reloadSchedule(_ id: String) async throws {
        guard let schedule = try await store.schedule(id: id) else {
            forget(id)
            return
        }
        apply(schedule, state: try await store.state(scheduleID: id))
    }

    /// Takes a definition and state into the heap.
    func apply(_ schedule: Schedule, state: ScheduleState?) {
        var entry: Entry
        if let old = entries[schedule.id], old.schedule == schedule {
            entry = old
        } else {
            let cadence = try? schedule.cadence()
            let exclusions = (try? schedule.exclusionCadences()) ?? []
            entry = Entry(schedule: schedule, cadence: cadence, exclusions: exclusions, fireable: false)
        }
        entry.fireable = schedule.enabled && entry.cadence != nil && state?.isPaused != true
        entries[schedule.id] = entry
        setNext(schedule.id, state?.nextFireAt)
    }

    /// Drops a deleted schedule (its executing runs go on to their end).
    func forget(_ id: String) {
        entries[id] = nil
        nextFire[id] = nil
        if let run = buffered.removeValue(forKey: id) {
            enqueueFinish(run, .cancelled, error: "schedule deleted before the run started")
        }
    }

    /// A queued run (Run Now, retry, catch-up, per-item) waits until it is due.
    func enqueueQueued(_ run: Run) {
        guard !waitingIDs.contains(run.id), executing[run.id] == nil else { return }
        waitingIDs.insert(run.id)
        waiting.insert(Waiting(run: run, claimed: false, due: run.firesAt))
    }
}
