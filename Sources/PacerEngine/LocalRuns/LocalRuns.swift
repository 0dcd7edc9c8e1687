import Foundation
import HeapModule
import PacerCore
import PacerStore

/// Every run this process holds, each in exactly one phase, and the pure transitions between
/// phases (docs/engine.md draws them). The engine feeds it events (a fire claimed, a run
/// queued, an instant reached, a start written or refused, a run ended, a lease lost, a
/// cancel, a drain), each a `mutating` method that returns what to do next; the engine only
/// carries the actions out (store calls, tasks, metrics) and reports how they went as the next
/// event. Nothing here reads the store or a clock: every instant is a parameter, so every
/// sequence of events is tested without SQLite or time passing (`LocalRunsTests`).
struct LocalRuns {
    /// Where a local run is.
    enum Phase: String, CaseIterable, Sendable {
        /// Claimed (ahead of its instant, or jittered) under this process's lease; waits for
        /// its instant.
        case held
        /// Queued in the store (Run Now, retry, continuation, item run); waits for its instant.
        case queued
        /// A continuation of a paused or disabled schedule; waits for it to be resumed.
        case parked
        /// Taken at its instant; the engine is checking it (its schedule, other replicas) or
        /// starting it in the store.
        case opening
        /// Let through; waits for a slot, earliest scheduled first.
        case ready
        /// Behind a running run of its schedule (overlap `buffer_one`).
        case buffered
        /// Taken from `ready` into a slot; its start mark is being written.
        case starting
        /// Its task runs.
        case executing
        /// Ended, or refused before it executed; its finish waits to be written.
        case finishing
    }

    /// One run and what the engine knows of it.
    struct Local {
        var run: Run
        var phase: Phase
        /// The instant a held or queued run waits for.
        var due: Date
        /// A session wake-up: its instant follows the session's `resume_at`, so it is read
        /// again before it starts.
        var movable = false
        /// A queued run this process holds in the store (`holdQueued`), not executing yet.
        var promoted = false
        /// Finished elsewhere (cancelled through the API) while it waited for a slot: it never
        /// executes.
        var dropped = false
        /// Why its task was cancelled, when the engine cancelled it.
        var cancelReason: String?
        /// Cancelled at its schedule's `timeout_seconds`.
        var timedOut = false
        /// When an executing run times out.
        var deadline: Date?
        /// Its finish, once it has ended.
        var finish: PendingFinish?
    }

    /// What the engine does next.
    enum Action: Equatable, Sendable {
        /// A held fire reached its instant: check that its schedule may still fire and, on a
        /// shared store, that no other replica runs the schedule; then `gate` or `refuse` it.
        case open(Run)
        /// Run this run's task.
        case execute(Run)
        /// Stop this executing run's task (the reason is kept for its finish).
        case cancel(runID: String)
        /// Record this run, which never executed, as ended with this status and reason.
        case refuse(Run, Run.Status, String)
    }

    let maxConcurrent: Int
    var runs: [String: Local] = [:]
    /// Runs of each schedule ready, starting or executing (what the overlap policy counts).
    var activeBySchedule: [String: Int] = [:]
    /// The fire waiting behind each schedule's running run.
    var buffered: [String: String] = [:]
    /// Parked continuations, by schedule.
    var parked: [String: [String]] = [:]
    /// How many runs are in each phase.
    var counts: [Phase: Int] = [:]
    /// Finishes in the order they are written.
    var finishOrder: [String] = []
    /// When starts may be tried again after the store refused their start marks.
    var startRetryAt: Date?
    /// When the finishes the store refused are written again.
    var finishRetryAt: Date?

    var held = Heap<Due>()
    var queued = Heap<Due>()
    var ready = Heap<Due>()
    var timeouts = Heap<Due>()

    init(maxConcurrent: Int) {
        self.maxConcurrent = maxConcurrent
    }

    subscript(id: String) -> Local? { runs[id] }

    func phase(of id: String) -> Phase? { runs[id]?.phase }

    var executingCount: Int { counts[.executing, default: 0] }
    var startingCount: Int { counts[.starting, default: 0] }
    var readyCount: Int { counts[.ready, default: 0] }

    /// Slots left after the executing runs and those ready or starting.
    var freeSlots: Int { max(0, maxConcurrent - executingCount - readyCount - startingCount) }

    var isIdle: Bool { executingCount == 0 && readyCount == 0 && finishOrder.isEmpty }

    var hasFinishes: Bool { !finishOrder.isEmpty }

    /// Ids of the runs executing now.
    var executingIDs: [String] { runs.values.filter { $0.phase == .executing }.map(\.run.id) }

    /// The phases whose runs hold a lease this process renews: held, ready, buffered,
    /// starting, executing, and finishing (a result not written yet is not lost).
    static let leased: Set<Phase> = [.held, .ready, .buffered, .starting, .executing, .finishing]

    /// Whether any run holds a lease (without looking at every run).
    var holdsLeases: Bool { Self.leased.contains { counts[$0, default: 0] > 0 } }

    /// The runs whose leases this process renews.
    var leasedIDs: [String] { runs.values.filter { Self.leased.contains($0.phase) }.map(\.run.id) }

    /// Whether the feed's "run queued" for this id needs reading: an unknown run, or a session
    /// wake-up whose instant may have moved.
    func wantsQueued(_ id: String) -> Bool {
        guard let local = runs[id] else { return true }
        return local.movable && (local.phase == .queued || local.phase == .parked)
    }

    /// Whether the feed's "run finished" for this id matters: a run executing here, or one
    /// held in the store by this process that waits for a slot.
    func watchesFinish(_ id: String) -> Bool {
        guard let local = runs[id] else { return false }
        return local.phase == .executing || (local.promoted && [.ready, .buffered, .starting].contains(local.phase))
    }

    /// Executing runs still going `grace` after their deadline (cancelled, not ending).
    func stuck(now: Date, grace: TimeInterval) -> [String] {
        runs.values.filter { $0.phase == .executing && $0.deadline.map { now.timeIntervalSince($0) > grace } == true }
            .map(\.run.id).sorted()
    }

    func cancelReason(of id: String) -> String? { runs[id]?.cancelReason }

    func isTimedOut(_ id: String) -> Bool { runs[id]?.timedOut == true }

    /// The runs each heap still gives (its stale entries left out).
    func validHeapIDs() -> (held: Set<String>, queued: Set<String>, ready: Set<String>) {
        (Set(held.unordered.filter { runs[$0.id]?.phase == .held && runs[$0.id]?.due == $0.at }.map(\.id)),
         Set(queued.unordered.filter { runs[$0.id]?.phase == .queued && runs[$0.id]?.due == $0.at }.map(\.id)),
         Set(ready.unordered.filter { runs[$0.id]?.phase == .ready }.map(\.id)))
    }

    /// The earliest instant a held fire waits for.
    mutating func nextHeld() -> Date? {
        Self.valid(&held) { runs[$0]?.phase == .held && runs[$0]?.due == $1 }
    }

    /// The earliest instant a held or queued run waits for.
    mutating func nextDue() -> Date? {
        let h = nextHeld()
        let q = Self.valid(&queued) { runs[$0]?.phase == .queued && runs[$0]?.due == $1 }
        switch (h, q) {
        case let (h?, q?): return min(h, q)
        case let (h?, nil): return h
        case let (nil, q): return q
        }
    }

    /// The earliest deadline of a run still executing.
    mutating func earliestTimeout() -> Date? {
        Self.valid(&timeouts) { id, _ in runs[id]?.phase == .executing && runs[id]?.timedOut == false }
    }

    /// The first entry of a heap that is still valid (stale ones are dropped on the way).
    static func valid(_ heap: inout Heap<Due>, _ isValid: (String, Date) -> Bool) -> Date? {
        while let due = heap.min {
            let (date, id) = (due.at, due.id)
            if isValid(id, date) { return date }
            _ = heap.popMin()
        }
        return nil
    }

    mutating func setPhase(_ id: String, _ phase: Phase) {
        guard let old = runs[id]?.phase, old != phase else { return }
        counts[old, default: 1] -= 1
        counts[phase, default: 0] += 1
        runs[id]?.phase = phase
    }

    mutating func add(_ local: Local) {
        runs[local.run.id] = local
        counts[local.phase, default: 0] += 1
    }

    mutating func remove(_ id: String) {
        guard let local = runs[id] else { return }
        counts[local.phase, default: 1] -= 1
        runs[id] = nil
        if buffered[local.run.scheduleID] == id { buffered[local.run.scheduleID] = nil }
    }
}

/// A finish waiting to be written, with what to do after it is written.
struct PendingFinish: Sendable {
    var finish: RunFinish
    var run: Run
    /// The outcome of a run that executed (`nil`: it was refused before it executed).
    var outcome: RunOutcome?
    /// Whether the result goes to the schedule's delivery.
    var delivers = true
}
