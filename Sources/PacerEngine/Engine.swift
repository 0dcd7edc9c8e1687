import Foundation
import HeapModule
import Logging
import PacerCore
import PacerStore
import Recurrence
import ServiceLifecycle
import Synchronization

/// Pacer's scheduler loop (DESIGN section 3). It keeps an in-memory min-heap of next fires,
/// sleeps until the earliest (no polling), wakes on the store's change signal, claims due
/// fires in batches, applies the misfire, exclusion, jitter and overlap policies, runs targets
/// with bounded concurrency (FIFO by scheduled instant), a per-run timeout and a lease
/// heartbeat, finishes runs in batches, retries failures, recovers abandoned runs, purges old
/// history and drains on shutdown.
///
/// Every decision is a pure function in `Policy/`; the engine carries out their actions. All
/// time comes from the injected ``WallClock``.
public actor Engine: Service {
    let store: any Store
    let runners: Runners
    let clock: any WallClock
    let configuration: Configuration
    let logger: Logger
    let metrics = EngineMetrics()
    let wakeup = Wakeup()
    private let stopping = Mutex(false)

    /// What the engine keeps of every schedule: the cadence, exclusions and policies, parsed
    /// once. Full definitions (targets, dispatch, delivery) are read when a run starts and
    /// kept in a bounded cache, so memory per schedule stays small.
    struct Entry {
        var revision: Int
        /// Its rule, exclusions and policies, parsed once per revision: the claim plan the
        /// store's claims share, or only the policies when its rule cannot be evaluated.
        var rules: Rules
        var delivers: Bool
        var enabled: Bool
        var paused: Bool
        /// The next nominal fire the heap holds for it.
        var next: Date?
        /// Whether the engine expects fires of it.
        var fireable: Bool { enabled && !paused && cadence != nil }

        var plan: ClaimPlan? {
            if case .planned(let plan) = rules { return plan }
            return nil
        }
        var cadence: Cadence? { plan?.cadence }
        var policies: Policies {
            switch rules {
            case .planned(let plan): return plan.policies
            case .unplanned(let box): return box.policies
            }
        }
    }

    /// An entry's parsed rules (one reference, so an entry stays small).
    enum Rules {
        case planned(ClaimPlan)
        case unplanned(PoliciesBox)
    }

    final class PoliciesBox: Sendable {
        let policies: Policies
        init(_ policies: Policies) { self.policies = policies }
    }

    var entries: [String: Entry] = [:]
    var definitions: DefinitionCache
    var fireHeap = Heap<Due>()
    /// Every run this process holds, with its phase: the pure state machine whose actions
    /// this actor carries out.
    var local: LocalRuns
    /// The jobs of executing runs, in the service's work group.
    var tasks: [String: JobHandle] = [:]
    let work = WorkGroup()
    let heldWakeup = Wakeup()
    var itemsByRun: [String: JSONValue] = [:]
    var claimPausedUntil: Date?
    var feedCursor: Int64 = 0
    var feedDirty = true
    var loaded = false
    var listening = false
    var lastSweep = Date.distantPast
    var lastRecovery = Date.distantPast
    var lastHeartbeat = Date.distantPast
    var lastRetention = Date.distantPast
    var lastBeat = Date.distantPast
    /// Whether this process's last liveness beat failed to write (the store unreachable).
    var beatFailing = false
    /// When its beats were written again after failing (recovery waits a while after that).
    var reconnectedAt: Date?
    /// Whether a recovery pass has run (the first one of an exclusive engine takes all).
    var recoveredOnce = false
    /// Deliveries in flight, by a serial number.
    var deliveries: [Int: JobHandle] = [:]
    var deliveryCount = 0
    /// When the loop last completed a pass, and the error of the last failed one (for `/healthz`).
    var lastPassAt: Date?
    var lastPassError: String?

    /// - Parameters:
    ///   - store: the store every writer shares.
    ///   - runners: runners by target kind, the item reader and the deliverer.
    ///   - clock: the time source (``SystemClock`` in production, a manual clock in tests).
    ///   - configuration: concurrency, leases, intervals.
    ///   - logger: where the engine logs.
    public init(store: any Store, runners: Runners, clock: any WallClock = SystemClock(),
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "pacer.engine")) {
        self.store = store
        self.runners = runners
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        definitions = DefinitionCache(capacity: configuration.definitionCacheSize)
        local = LocalRuns(maxConcurrent: configuration.maxConcurrent)
    }

    /// Runs until graceful shutdown (then drains) or cancellation. Runs and deliveries are
    /// children of this service's task group: it returns only once every one has ended.
    public func run() async throws {
        let changes = store.changes()
        let wakeup = self.wakeup
        let work = self.work
        listening = true
        work.accept()
        await withDiscardingTaskGroup { owner in
            owner.addTask { await work.run() }
            await withDiscardingTaskGroup { group in
                // The store's change signal marks the feed to read; held fires are released by
                // a loop of their own, so a claim or a batch of finishes being written never
                // delays a start. Both end with the loop.
                group.addTask {
                    for await _ in changes { await self.markFeedDirty() }
                }
                group.addTask { await self.releaseLoop() }
                await withGracefulShutdownHandler {
                    while !self.isStopping, !Task.isCancelled {
                        let deadline = await self.step()
                        if self.isStopping || Task.isCancelled { break }
                        await wakeup.wait(until: deadline, clock: self.clock)
                    }
                } onGracefulShutdown: {
                    self.stop()
                }
                group.cancelAll()
            }
            // The drain writes what the runs leave even when this service was cancelled
            // rather than shut down (its runs were cancelled with it): it runs shielded from
            // that cancellation, bounded by the drain deadline.
            await Task { await self.drain() }.value
            work.close()
        }
    }

    /// Asks the loop to stop claiming and drain (what SIGTERM does through the service group).
    public nonisolated func stop() {
        stopping.withLock { $0 = true }
        wakeup.poke()
        heldWakeup.poke()
    }

    nonisolated var isStopping: Bool { stopping.withLock { $0 } }

    /// Starts held fires at their instants until the engine stops.
    func releaseLoop() async {
        while !isStopping, !Task.isCancelled {
            await releaseHeld(now: clock.now())
            await startReady()
            await heldWakeup.wait(until: local.nextHeld(), clock: clock)
        }
    }

    /// Opens the held fires that are due (a schedule paused, disabled or deleted meanwhile
    /// has its fire recorded as skipped).
    func releaseHeld(now: Date) async {
        for action in local.releaseDue(now: now) {
            guard case .open(let run) = action else { continue }
            guard entries[run.scheduleID]?.fireable == true else {
                enqueueFinish(run, .skipped, error: "schedule paused, disabled or deleted before its fire")
                continue
            }
            await startFire(run)
        }
    }

    func markFeedDirty() {
        feedDirty = true
        wakeup.poke()
    }

    /// Runs executing now (for `/metrics` and tests).
    public var inFlight: Int { local.executingCount }

    /// One pass of the loop at the clock's current instant: read changes, do maintenance that
    /// is due, write finished runs, start waiting runs, claim due fires and start what fits.
    /// - Returns: when the next pass is due (`nil`: only a change or a finished run can make
    ///   work).
    @discardableResult
    public func step() async -> Date? {
        let now = clock.now()
        do {
            if !loaded { try await load(now: now) }
            // Without the loop's listener (tests drive `step()` themselves) read the feed every pass.
            if feedDirty || !listening { try await readFeed() }
            // Runs that are due start first; writing finishes and claiming ahead come after,
            // so neither delays a start.
            expireTimeouts(now: now)
            if !isStopping {
                await releaseHeld(now: now)
                try await promoteWaiting(now: now)
                await startReady()
            }
            try await maintain(now: now)
            await flushFinishes()
            if !isStopping {
                try await claim(now: now)
                await startReady()
            }
        } catch {
            logger.error("engine pass failed; retrying", metadata: ["error": "\(StoreFailure.describe(error))"])
            lastPassError = StoreFailure.describe(error)
            return now.addingTimeInterval(1)
        }
        lastPassAt = now
        lastPassError = nil
        return nextDeadline(now: now)
    }

    /// When the next pass is due: the earliest fire (when a slot is free), waiting run,
    /// maintenance task or pending finish.
    func nextDeadline(now: Date) -> Date? {
        var deadline: Date? = nil
        func consider(_ d: Date?) {
            guard let d else { return }
            deadline = deadline.map { min($0, d) } ?? d
        }
        if freeSlots > 0, configuration.onlyRuns == nil, let fire = earliestFire() {
            let claimAt = fire.addingTimeInterval(-configuration.claimAhead)
            consider(max(claimAt, claimPausedUntil ?? claimAt))
        }
        consider(local.nextDue())
        if local.readyCount > 0 { consider(local.startRetryAt) }
        consider(local.earliestTimeout())
        if local.hasFinishes { consider(local.finishRetryAt ?? now) }
        consider(lastSweep.addingTimeInterval(configuration.safetySweepInterval))
        if configuration.onlyRuns == nil {
            consider(lastRecovery.addingTimeInterval(configuration.recoveryInterval))
            consider(lastRetention.addingTimeInterval(configuration.retentionInterval))
        }
        consider(lastBeat.addingTimeInterval(configuration.livenessInterval))
        if local.holdsLeases {
            consider(lastHeartbeat.addingTimeInterval(configuration.heartbeatInterval))
        }
        return deadline
    }

    /// Stops executing runs whose deadline has passed; they are recorded as `timed_out`.
    func expireTimeouts(now: Date) {
        perform(local.expire(now: now))
    }

    /// Slots left under `max_concurrent` after the executing runs and those ready to start.
    var freeSlots: Int { local.freeSlots }

    /// The earliest valid entry of the fire heap (stale entries are dropped on the way).
    func earliestFire() -> Date? {
        while let due = fireHeap.min {
            let (date, id) = (due.at, due.id)
            if entries[id]?.next == date { return date }
            _ = fireHeap.popMin()
        }
        return nil
    }

    /// Records a schedule's next nominal fire in the heap (`nil`: it has none).
    func setNext(_ id: String, _ date: Date?) {
        guard entries[id] != nil else { return }
        guard let date, entries[id]?.fireable == true else {
            entries[id]?.next = nil
            return
        }
        if entries[id]?.next != date {
            entries[id]?.next = date
            fireHeap.insert(Due(date, id))
        }
    }
}
