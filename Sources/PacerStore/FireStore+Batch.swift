import Foundation
import PacerCore

/// One run's end, for ``FireStore/finishRuns(_:owner:)``.
public struct RunFinish: Sendable, Hashable {
    /// The run.
    public var id: String
    /// Its terminal status.
    public var status: Run.Status
    /// When it ended.
    public var at: Date
    /// The start of its output.
    public var output: String?
    /// Why it failed or was skipped.
    public var error: String?
    /// When it really started, when that differs from what the claim recorded (a run held
    /// for its jitter, or waiting for a free slot).
    public var startedAt: Date?
    /// The jittered instant it was due, when it differs from the scheduled instant.
    public var firesAt: Date?
    /// The fire's next run to queue with the finish, in the same transaction, so a crash
    /// between the two cannot lose it: the next attempt of a failed run the retry policy
    /// retries, or the next step of a run that continues (see ``PacerCore/Run/followUp(id:at:trigger:state:)``).
    /// One that exists already is not an error. An agent session's next step (trigger
    /// `resume`) is due at the session's `resume_at` as the finish finds it, and is not queued
    /// when the session is no longer `waiting` (it was cancelled meanwhile).
    public var next: Run?
    /// The agent session the run drove, written to the run when set (an existing link is
    /// never cleared).
    public var sessionID: String?

    /// - Parameters:
    ///   - id: the run.
    ///   - status: a terminal status.
    ///   - at: when it ended.
    ///   - output: output excerpt.
    ///   - error: failure or skip reason.
    ///   - startedAt: the real start, if the claim's is not it.
    ///   - firesAt: the jittered due instant, if any.
    ///   - next: the fire's next run to queue with the finish, if any.
    ///   - sessionID: the agent session the run drove, if any.
    public init(id: String, status: Run.Status, at: Date, output: String? = nil, error: String? = nil,
                startedAt: Date? = nil, firesAt: Date? = nil, next: Run? = nil, sessionID: String? = nil) {
        self.next = next
        self.sessionID = sessionID
        self.startedAt = startedAt
        self.firesAt = firesAt
        self.id = id
        self.status = status
        self.at = at
        self.output = output
        self.error = error
    }
}

/// What ``FireStore/recover(now:leaseTimeout:livenessTimeout:)`` did.
public struct Recovery: Sendable, Hashable {
    /// Held runs of dead processes, back in the queue.
    public var requeued: [Run]
    /// Running runs of dead processes (or with expired leases), now `abandoned`.
    public var abandoned: [Run]
    /// Runs queued by the recovery: abandoned runs' retries, and wake-ups of waiting
    /// sessions nothing else would wake.
    public var queued: [Run] = []

    /// - Parameters:
    ///   - requeued: runs back in the queue.
    ///   - abandoned: runs abandoned.
    public init(requeued: [Run] = [], abandoned: [Run] = []) {
        self.requeued = requeued
        self.abandoned = abandoned
    }
}

extension FireStore where Self: RunStore {
    /// Marks `running` runs whose heartbeat is older than `now - leaseTimeout` as `abandoned`
    /// and returns them (``recover(now:leaseTimeout:livenessTimeout:)`` by leases alone).
    public func abandonExpiredRuns(now: Date, leaseTimeout: TimeInterval) async throws -> [Run] {
        try await recover(now: now, leaseTimeout: leaseTimeout, livenessTimeout: nil).abandoned
    }

    /// ``recover(now:leaseTimeout:livenessTimeout:retry:)`` queueing no retries.
    public func recover(now: Date, leaseTimeout: TimeInterval, livenessTimeout: TimeInterval?) async throws -> Recovery {
        try await recover(now: now, leaseTimeout: leaseTimeout, livenessTimeout: livenessTimeout, retry: { _, _ in nil })
    }

    /// Finishes several runs of `owner`, each as ``finishRun(id:owner:status:at:output:error:)``
    /// would. Stores that can do it in one transaction override this; the default finishes
    /// them one by one.
    /// - Parameters:
    ///   - finishes: the runs' ends.
    ///   - owner: the lease owner.
    /// - Returns: per run, `nil` when it was finished, else the error
    ///   (``StoreError/leaseLost(runID:)``, ...).
    public func finishRunsOneByOne(_ finishes: [RunFinish], owner: String) async -> [(any Error)?] {
        await finishRunsOneByOne(finishes) { f in
            _ = try await finishRun(id: f.id, owner: owner, status: f.status, at: f.at, output: f.output, error: f.error)
            if let sessionID = f.sessionID { try await setRunSession(runID: f.id, sessionID: sessionID) }
        }
    }

    /// Finishes runs one at a time with `finish`, queueing each one's next run after it.
    package func finishRunsOneByOne(_ finishes: [RunFinish], finish: (RunFinish) async throws -> Void) async -> [(any Error)?] {
        var out: [(any Error)?] = []
        out.reserveCapacity(finishes.count)
        for f in finishes {
            do {
                try await finish(f)
                if let next = f.next {
                    do { _ = try await insertRun(next) } catch StoreError.duplicateRun {}
                }
                out.append(nil)
            } catch {
                out.append(error)
            }
        }
        return out
    }
}
