import Foundation
import Recurrence

/// A backfill (DESIGN section 3): the fires a schedule's rule would have made in a past window,
/// run now, each recorded with its nominal instant and trigger `backfill`, under the schedule's
/// overlap policy or the one the request names. Pure: the operations layer validates the
/// request, lists the fires and builds the runs here; the store records them.
public struct Backfill: Sendable, Hashable {
    /// The start of the window (included).
    public var from: Date
    /// The end of the window (included); not after now.
    public var to: Date
    /// The overlap policy of the backfill's runs, or `nil` for the schedule's own.
    public var overlap: OverlapPolicy?
    /// Most fires the window may hold (default ``defaultLimit``).
    public var limit: Int?

    /// Most fires a window holds unless the request gives a larger `limit`.
    public static let defaultLimit = 10_000
    /// The largest `limit` a request may give.
    public static let maxLimit = 100_000

    /// - Parameters:
    ///   - from: the start of the window (included).
    ///   - to: the end of the window (included).
    ///   - overlap: the overlap policy of its runs (`nil`: the schedule's).
    ///   - limit: most fires the window may hold (`nil`: ``defaultLimit``).
    public init(from: Date, to: Date, overlap: OverlapPolicy? = nil, limit: Int? = nil) {
        self.from = from
        self.to = to
        self.overlap = overlap
        self.limit = limit
    }

    /// What was asked for is wrong: the window is empty or in the future, or the limit out of range.
    /// - Parameter now: the clock.
    public func validate(now: Date) -> [FieldError] {
        var errors: [FieldError] = []
        if to < from {
            errors.append(FieldError(field: "to", message: "\(PacerJSON.format(to)) is before from (\(PacerJSON.format(from)))"))
        }
        if to > now {
            errors.append(FieldError(field: "to", message: "\(PacerJSON.format(to)) is in the future; a backfill runs past fires only (use run now for a fire now)"))
        }
        if let limit, !(1...Self.maxLimit).contains(limit) {
            errors.append(FieldError(field: "limit", message: "\(limit) must be between 1 and \(Self.maxLimit)"))
        }
        return errors
    }

    /// The fires in the window: the rule's instants from `from` to `to` (both included), in
    /// order, with the exclusions' instants left out (the schedule would have skipped them).
    /// - Returns: the instants to run and how many the exclusions left out.
    /// - Throws: ``ValidationError`` naming `limit` when the window holds more fires than the
    ///   limit, ``Recurrence/RecurrenceError`` when the rule cannot be evaluated.
    public func fires(of schedule: Schedule) throws -> (instants: [Date], excluded: Int) {
        let cadence = try schedule.cadence(), exclusions = try schedule.exclusionCadences()
        let limit = self.limit ?? Self.defaultLimit
        let start = Int64(from.timeIntervalSince1970.rounded(.up)) - 1
        let end = Int64(to.timeIntervalSince1970.rounded(.down))
        var instants: [Date] = [], excluded = 0, found = 0
        for fire in cadence.fires(after: start) {
            guard fire.scheduledAt <= end else { break }
            found += 1
            if found > limit {
                throw ValidationError([FieldError(field: "limit", message: """
                    the window holds more than \(limit) fires of '\(schedule.name)'; narrow it, or give a larger limit \
                    (at most \(Self.maxLimit))
                    """)])
            }
            if Schedule.isExcluded(fire.scheduledAt, by: exclusions) {
                excluded += 1
            } else {
                instants.append(Date(timeIntervalSince1970: Double(fire.scheduledAt)))
            }
        }
        return (instants, excluded)
    }

    /// The queued run of one fire of the backfill, due now. Its state carries the request's
    /// overlap policy, which the engine applies when it starts (``overlap(of:)``). Its id is
    /// made at the fire's instant, so the backfill's runs, all due at once, start in the order
    /// of their fires (the engine takes runs due together in id order).
    /// - Parameters:
    ///   - instant: the fire's nominal instant.
    ///   - scheduleID: the schedule.
    ///   - now: the clock.
    public func run(at instant: Date, scheduleID: String, now: Date) -> Run {
        var run = Run(id: PacerID.make(.run, at: instant), scheduleID: scheduleID, scheduledAt: instant, firesAt: now,
                      attempt: 1, status: .queued, trigger: .backfill)
        if let overlap { run.state = .object(["backfill": .object(["overlap": .string(overlap.rawValue)])]) }
        return run
    }

    /// The overlap policy a backfill run asked for, or `nil` (another trigger, or the
    /// schedule's own policy).
    public static func overlap(of run: Run) -> OverlapPolicy? {
        guard run.trigger == .backfill, run.step == 0, case .object(let state)? = run.state,
              case .object(let backfill)? = state["backfill"], case .string(let raw)? = backfill["overlap"] else { return nil }
        return OverlapPolicy(rawValue: raw)
    }

    /// Whether a backfill run may start now (a pure decision of the engine). A backfill never
    /// drops or cancels the fires it was asked to run: under `allow` its runs go side by side,
    /// leaving a slot free for the schedules' own fires (when the server has more than one);
    /// under any other policy they go one at a time, each when no run of its schedule is going.
    /// A run that may not start waits, queued.
    /// - Parameters:
    ///   - policy: the backfill's overlap policy (or the schedule's).
    ///   - active: runs of the schedule going or waiting for a slot in this process.
    ///   - freeSlots: slots free in this process.
    ///   - maxConcurrent: the process's slots.
    public static func mayStart(_ policy: OverlapPolicy, active: Int, freeSlots: Int, maxConcurrent: Int) -> Bool {
        let reserve = maxConcurrent > 1 ? 1 : 0
        guard freeSlots > reserve else { return false }
        return policy == .allow || active == 0
    }

    /// The attempt a backfill run of a fire is recorded as, given the fire's existing first
    /// steps (`nil` when the fire has none): 1 for a fire without runs, the next attempt for a
    /// fire that never ran (all its runs `missed` or `skipped`), and `nil`, leaving the fire
    /// alone, for one that ran or waits to run (a backfill never runs a fire twice, so it can
    /// be repeated safely).
    /// - Parameter existing: the attempt and status of each existing step-0 run of the fire.
    public static func attempt(existing: [(attempt: Int, status: Run.Status)]) -> Int? {
        guard let last = existing.map(\.attempt).max() else { return 1 }
        return existing.allSatisfy({ $0.status == .missed || $0.status == .skipped }) ? last + 1 : nil
    }

    /// Runs with the attempts ``attempt(existing:)`` gives, those already run left out.
    /// - Parameters:
    ///   - runs: the backfill's runs, one per instant.
    ///   - existing: the existing step-0 runs (without item) of the schedule in the window.
    public static func recordable(_ runs: [Run], existing: [Run]) -> [Run] {
        var byInstant: [Date: [(attempt: Int, status: Run.Status)]] = [:]
        for r in existing where r.step == 0 && r.itemKey == nil { byInstant[r.scheduledAt, default: []].append((r.attempt, r.status)) }
        return runs.compactMap { run in
            guard let attempt = attempt(existing: byInstant[run.scheduledAt] ?? []) else { return nil }
            var copy = run
            copy.attempt = attempt
            return copy
        }
    }
}

extension Backfill {
    /// The members a backfill request has.
    public static let members = ["from", "to", "overlap", "limit"]

    /// A request from its JSON members (`from`, `to` as RFC 3339 instants, optional `overlap`
    /// and `limit`), the one decoder of the API and MCP surfaces.
    /// - Parameters:
    ///   - object: the members.
    ///   - ignoring: other members the surface reads itself (MCP's `schedule`).
    /// - Throws: ``ValidationError`` naming every member at fault.
    public static func decode(_ object: [String: JSONValue], ignoring: Set<String> = []) throws(ValidationError) -> Backfill {
        var errors: [FieldError] = []
        for key in object.keys.sorted() where !members.contains(key) && !ignoring.contains(key) {
            errors.append(FieldError(field: key, message: "unknown member; a backfill gives from, to, overlap and limit"))
        }
        func instant(_ name: String) -> Date? {
            guard case .string(let text)? = object[name] else {
                errors.append(FieldError(field: name, message: object[name] == nil || object[name] == .null
                    ? "is required: an RFC 3339 instant such as 2026-11-01T00:00:00Z" : "expected an RFC 3339 instant as a string"))
                return nil
            }
            guard let date = PacerJSON.parse(text) else {
                errors.append(FieldError(field: name, message: "'\(text.prefix(100))' is not an RFC 3339 instant such as 2026-11-01T00:00:00Z"))
                return nil
            }
            return date
        }
        let from = instant("from"), to = instant("to")
        var overlap: OverlapPolicy?
        switch object["overlap"] {
        case nil, .null?: break
        case .string(let raw)? where OverlapPolicy(rawValue: raw) != nil: overlap = OverlapPolicy(rawValue: raw)
        default: errors.append(FieldError(field: "overlap", message: "expected one of \(OverlapPolicy.choices)"))
        }
        var limit: Int?
        switch object["limit"] {
        case nil, .null?: break
        case .number(let n)? where n == n.rounded() && abs(n) <= 1e12: limit = Int(n)
        default: errors.append(FieldError(field: "limit", message: "expected a whole number"))
        }
        guard errors.isEmpty, let from, let to else { throw ValidationError(errors) }
        return Backfill(from: from, to: to, overlap: overlap, limit: limit)
    }
}
