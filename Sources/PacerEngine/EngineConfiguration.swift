import Foundation

extension Engine {
    /// How an engine runs; every value has a default.
    public struct Configuration: Sendable {
        /// The lease owner written on the runs this process holds (unique per process).
        public var owner: String
        /// Most runs executing at once; further due fires wait, earliest scheduled first.
        public var maxConcurrent: Int
        /// Most fires taken in one claim transaction.
        public var claimBatch: Int
        /// Most fires taken in one claim transaction while a held fire is due within 50 ms.
        public var claimSlice: Int = 64
        /// Most start marks written in one transaction (the runs of one batch execute while the
        /// next is written).
        public var startBatch: Int = 256
        /// A running run whose heartbeat is older than this is abandoned (its process died).
        public var leaseTimeout: TimeInterval
        /// How often the leases of executing runs are renewed.
        public var heartbeatInterval: TimeInterval
        /// How often all schedule states are re-read, whatever the change signal said.
        public var safetySweepInterval: TimeInterval
        /// How often abandoned runs, and the held runs of dead processes, are looked for.
        public var recoveryInterval: TimeInterval
        /// How often this process records that it is alive.
        public var livenessInterval: TimeInterval
        /// A process not seen for this long is dead: its held fires go back to the queue and its
        /// running runs are abandoned, without waiting for their leases.
        public var livenessTimeout: TimeInterval
        /// Terminal runs and sessions older than this many days are purged daily.
        public var retentionDays: Double
        /// How often the retention sweep runs.
        public var retentionInterval: TimeInterval
        /// On shutdown, how long running runs may take before they are cancelled.
        public var drainTimeout: TimeInterval
        /// Most finished runs written in one transaction.
        public var finishBatch: Int
        /// Fires are claimed this many seconds before they are due and held until their
        /// instant, so the claim's transaction is off the hot path (lateness is the start of a
        /// task, not a commit). Pausing or deleting a schedule still stops a held fire.
        public var claimAhead: TimeInterval
        /// Whether other engines share the store (PostgreSQL replicas): the overlap policy
        /// then also looks for runs of the schedule held by other processes.
        public var sharedStore: Bool
        /// Whether this process is known to be the only engine on the store (`pacer serve`
        /// holding the SQLite file's lock): every other owner's held and running work is then
        /// taken over at start, without waiting for its liveness to time out.
        public var exclusiveStore: Bool
        /// Most full definitions kept in memory (the rest are read from the store when a run
        /// starts).
        public var definitionCacheSize: Int
        /// When set, the engine runs these queued runs and nothing else: it claims no fires,
        /// starts no other queued run, and leaves recovery and retention to the servers (`pacer
        /// schedule run --wait` with no server on the store). A retry or continuation such a run
        /// queues waits for a server.
        public var onlyRuns: Set<String>?
        /// Random numbers in `[0, 1)` for retry jitter (injected: tests pass a fixed one).
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

        /// - Parameters: see the properties.
        public init(owner: String = Configuration.defaultOwner(), maxConcurrent: Int = 4, claimBatch: Int = 256,
                    leaseTimeout: TimeInterval = 60, heartbeatInterval: TimeInterval = 15,
                    safetySweepInterval: TimeInterval = 30, recoveryInterval: TimeInterval = 15,
                    retentionDays: Double = 30, retentionInterval: TimeInterval = 86_400,
                    drainTimeout: TimeInterval = 30, finishBatch: Int = 512, claimAhead: TimeInterval = 0.75,
                    definitionCacheSize: Int = 16_384, sharedStore: Bool = false,
                    livenessInterval: TimeInterval = 1, livenessTimeout: TimeInterval = 10,
                    exclusiveStore: Bool = false, onlyRuns: Set<String>? = nil) {
            self.onlyRuns = onlyRuns
            self.exclusiveStore = exclusiveStore
            self.livenessInterval = livenessInterval
            self.livenessTimeout = livenessTimeout
            self.sharedStore = sharedStore
            self.claimAhead = claimAhead
            self.definitionCacheSize = definitionCacheSize
            self.owner = owner
            self.maxConcurrent = maxConcurrent
            self.claimBatch = claimBatch
            self.leaseTimeout = leaseTimeout
            self.heartbeatInterval = heartbeatInterval
            self.safetySweepInterval = safetySweepInterval
            self.recoveryInterval = recoveryInterval
            self.retentionDays = retentionDays
            self.retentionInterval = retentionInterval
            self.drainTimeout = drainTimeout
            self.finishBatch = finishBatch
        }

        /// `host:pid:random`, unique per process.
        public static func defaultOwner() -> String {
            let host = ProcessInfo.processInfo.hostName
            return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
        }
    }
}
