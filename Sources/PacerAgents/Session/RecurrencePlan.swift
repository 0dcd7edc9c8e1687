import Foundation
import PacerCore

/// The arithmetic of `schedule_recurring`: wake-ups at `started_at + k * every`.
public enum RecurrencePlan {
    /// The wake-up after the runs done so far, strictly after `now` (missed wake-ups are
    /// skipped, never run late in a burst), or `nil` when the recurrence is over.
    /// - Parameters:
    ///   - recurrence: the state, `runs_done` counting the run that just ended.
    ///   - now: the instant.
    public static func next(_ recurrence: SessionRecurrence, after now: Date) -> Date? {
        if let maxRuns = recurrence.maxRuns, recurrence.runsDone >= maxRuns { return nil }
        let every = Double(recurrence.everySeconds)
        var k = Double(recurrence.runsDone)
        if recurrence.startedAt.addingTimeInterval(k * every) <= now {
            k = max(k, (now.timeIntervalSince(recurrence.startedAt) / every).rounded(.down) + 1)
        }
        let at = recurrence.startedAt.addingTimeInterval(k * every)
        if let until = recurrence.until, at > until { return nil }
        return at
    }

    /// The prompt of run number `run`: `{run}` and `{total}` (max_runs, or ∞) replaced.
    /// - Parameters:
    ///   - recurrence: the state.
    ///   - run: the run's number, from 1.
    public static func prompt(_ recurrence: SessionRecurrence, run: Int) -> String {
        recurrence.prompt
            .replacingOccurrences(of: "{run}", with: String(run))
            .replacingOccurrences(of: "{total}", with: recurrence.maxRuns.map(String.init) ?? "∞")
    }
}
