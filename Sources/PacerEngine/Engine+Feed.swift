import Foundation
import PacerCore
import PacerStore
import Recurrence

extension Engine {
    /// Reads every schedule, its state and the runs queued in the store.
    func load(now: Date) async throws {
        feedCursor = try await store.lastEventSequence()
        feedDirty = false
        try await loadAll(now: now)
        for run in try await store.activeRuns(scheduleID: nil) where run.status == .queued {
            enqueueQueued(run)
        }
        loaded = true
    }

    /// Reads every schedule and state (at start).
    func loadAll(now: Date) async throws {
        var byID: [String: ScheduleState] = [:]
        for s in try await store.states() { byID[s.scheduleID] = s }
        var after: String? = nil
        while true {
            // Pages, so that loading 100,000 schedules never holds every definition at once.
            let page = try await store.schedules(afterID: after, limit: 1000)
            for schedule in page { apply(schedule, state: byID[schedule.id]) }
            guard page.count == 1000, let last = page.last else { break }
            after = last.id
        }
        lastSweep = now
    }

    /// The slow safety sweep: re-reads every state (next fires moved by other processes'
    /// claims, pauses), and any schedule it does not know.
    func sweep(now: Date) async throws {
        // Queued runs this process does not know of (a change signal lost, a read that
        // failed) wait for their instant like the others.
        for run in try await store.activeRuns(scheduleID: nil) where run.status == .queued { enqueueQueued(run) }
        let states = try await store.states()
        var seen: Set<String> = []
        for state in states {
            seen.insert(state.scheduleID)
            if entries[state.scheduleID] != nil {
                entries[state.scheduleID]?.paused = state.isPaused
                unpark(state.scheduleID)
                setNext(state.scheduleID, state.nextFireAt)
            } else {
                try await reloadSchedule(state.scheduleID)
            }
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
                    // A known session continuation may have been moved (deferred or woken now).
                    if local.wantsQueued(e.event.entityID) { queued.append(e.event.entityID) }
                case .runFinished:
                    // Executing here, or held in the store by this process and waiting for
                    // a slot (then it must not run).
                    if local.watchesFinish(e.event.entityID) { finishedElsewhere.append(e.event.entityID) }
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
            guard let run = try await store.run(id: id), run.status.isTerminal else { continue }
            perform(local.cancel(id, reason: "finished elsewhere as \(run.status.rawValue)"))
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
        // Every change to a definition raises its revision: an entry is parsed once per revision.
        if let old = entries[schedule.id], old.revision == schedule.revision {
            entry = old
        } else {
            let exclusions = (try? schedule.exclusionCadences()) ?? []
            let rules: Rules
            if let cadence = try? schedule.cadence() {
                let plan = ClaimPlan(cadence: cadence, exclusions: exclusions, policies: schedule.policies)
                rules = .planned(plan)
                // The store's claims decide this revision's fires with the same plan.
                if exclusions.count == schedule.policies.exclusions.count {
                    store.offerClaimPlan(plan, scheduleID: schedule.id, revision: schedule.revision)
                }
            } else {
                rules = .unplanned(PoliciesBox(schedule.policies))
            }
            entry = Entry(revision: schedule.revision, rules: rules, delivers: schedule.delivery != .none,
                          enabled: schedule.enabled, paused: false, next: nil)
        }
        entry.paused = state?.isPaused == true
        entry.enabled = schedule.enabled
        entries[schedule.id] = entry
        remember(schedule)
        setNext(schedule.id, state?.nextFireAt)
        unpark(schedule.id)
    }

    /// Keeps a definition in the bounded cache (the oldest leaves when it is full).
    func remember(_ schedule: Schedule) {
        definitions[schedule.id] = schedule
    }

    /// The full definition of a schedule at the revision the engine knows: from the cache,
    /// else from the store.
    func definition(_ id: String) async throws -> Schedule? {
        if let s = definitions[id], s.revision == entries[id]?.revision { return s }
        guard let s = try await store.schedule(id: id) else { return nil }
        if entries[id]?.revision != s.revision { apply(s, state: try await store.state(scheduleID: id)) }
        remember(s)
        return s
    }

    /// Drops a deleted schedule (its executing runs go on to their end).
    func forget(_ id: String) {
        entries[id] = nil
        definitions[id] = nil
        perform(local.scheduleDeleted(id))
    }

    /// A queued run (Run Now, retry, continuation, per-item) waits until it is due; a session
    /// continuation already waiting takes its new instant.
    func enqueueQueued(_ run: Run) {
        if let only = configuration.onlyRuns, !only.contains(run.id) { return }
        local.queued(run)
    }

    /// Continuations held while their schedule was paused or disabled wait again for their
    /// instant once it can fire.
    func unpark(_ id: String) {
        guard let entry = entries[id], entry.enabled, !entry.paused else { return }
        local.unpark(scheduleID: id)
    }
}
