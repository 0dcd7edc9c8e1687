import Foundation
import PacerCore
import PacerStore

extension Engine {
    /// Waiting agent sessions share the fire heap's role: the earliest `resume_at` is one
    /// more deadline of the loop. When it is due, the store turns each due session into a
    /// queued `resume` run in one transaction (exactly one process wakes each), and the run
    /// then goes the way of every queued run: concurrency limit, lease, heartbeat, timeout.
    func wakeSessions(now: Date) async throws {
        if sessionWakeDirty {
            sessionWakeDirty = false
            nextSessionWake = try await store.nextSessionWakeUp()
        }
        guard let due = nextSessionWake, due <= now else { return }
        let runs = try await store.wakeSessions(now: now, limit: configuration.claimBatch)
        for run in runs {
            logger.info("session woke", metadata: ["session": "\(run.sessionID ?? "")", "run": "\(run.id)"])
            enqueueQueued(run)
        }
        nextSessionWake = try await store.nextSessionWakeUp()
    }
}
