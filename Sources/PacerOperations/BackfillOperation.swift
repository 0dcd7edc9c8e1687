import Foundation
import PacerCore
import PacerStore
import Recurrence

/// What a backfill did.
public struct BackfillOutcome: Sendable, Hashable {
    /// The runs it queued, oldest fire first.
    public var queued: [Run]
    /// Fires of the window left alone because they ran already or wait to run.
    public var alreadyRun: Int
    /// Fires of the window the schedule's exclusions leave out.
    public var excluded: Int
    /// The overlap policy its runs start under.
    public var overlap: OverlapPolicy

    /// As JSON members, the same on every surface: counts, the policy and the queued runs' ids.
    public var json: [String: JSONValue] {
        ["queued": .number(Double(queued.count)), "already_run": .number(Double(alreadyRun)),
         "excluded": .number(Double(excluded)), "overlap": .string(overlap.rawValue),
         "runs": .array(queued.map { .string($0.id) })]
    }
}

extension Backfill {
    /// Records a backfill of `schedule`: one queued run (trigger `backfill`) per fire of the
    /// window that has not run, in one transaction. Repeating it queues nothing twice.
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - store: where runs are recorded.
    ///   - now: the clock.
    /// - Throws: ``PacerCore/ValidationError`` naming `from`, `to` or `limit`, or `timing.rule`
    ///   when the rule cannot be evaluated; store errors.
    public func record(for schedule: Schedule, store: any RunStore, now: Date) async throws -> BackfillOutcome {
        let problems = validate(now: now)
        if !problems.isEmpty { throw ValidationError(problems) }
        let fires: (instants: [Date], excluded: Int)
        do {
            fires = try self.fires(of: schedule)
        } catch let error as RecurrenceError {
            throw ValidationError([FieldError(field: "timing.rule", message: "the schedule's rule cannot be evaluated: \(error)")])
        }
        let runs = fires.instants.map { run(at: $0, scheduleID: schedule.id, now: now) }
        let queued = try await store.insertBackfill(runs)
        return BackfillOutcome(queued: queued, alreadyRun: runs.count - queued.count, excluded: fires.excluded,
                               overlap: overlap ?? schedule.policies.overlap)
    }
}
