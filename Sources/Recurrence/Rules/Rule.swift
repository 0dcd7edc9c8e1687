import Foundation

/// What makes a schedule fire: a cron expression, a fixed interval, a calendar rule or a
/// single instant. A rule alone has no zone, anchor or bounds; ``Cadence`` adds them.
public enum Rule: Sendable, Hashable {
    /// A cron expression, evaluated on the zone's wall clock.
    case cron(CronExpression)
    /// Every N seconds from the anchor, in real time (no wall clock involved).
    case interval(seconds: Int64)
    /// Every N days, weeks or months at wall-clock times.
    case calendar(CalendarRule)
    /// Once, at an instant (seconds since 1970-01-01T00:00:00Z).
    case once(at: Int64)

    /// Parses either a cron expression (or macro) or the human rule syntax
    /// (`every 15m`, `every 2 weeks on mon,thu at 18:30`, `once 2026-12-24T18:00:00+01:00`).
    /// - Parameter text: the rule as a user typed it.
    /// - Throws: ``RecurrenceError`` naming the field and the bad value.
    public static func parse(_ text: String) throws(RecurrenceError) -> Rule {
        let trimmed = text.trimmingWhitespace
        let lower = trimmed.lowercased()
        if lower.hasPrefix("every ") || lower == "every" || lower.hasPrefix("once ") || lower == "once" {
            return try RuleText.parse(trimmed)
        }
        if trimmed.isEmpty { throw RecurrenceError(field: "rule", "is empty") }
        return .cron(try CronExpression(trimmed))
    }

    /// The first fire strictly after an instant, or `nil` when there is none.
    func next(after instant: Int64, in zone: Zone, anchor: Int64) -> Int64? {
        switch self {
        case .cron(let cron):
            return cron.next(after: instant, in: zone)
        case .interval(let n):
            return anchor + (Civil.floorDiv(instant - anchor, n) + 1) * n
        case .calendar(let rule):
            return rule.next(after: instant, in: zone, anchor: anchor)
        case .once(let at):
            return at > instant ? at : nil
        }
    }

    /// The last fire strictly before an instant, or `nil` when there is none.
    func previous(before instant: Int64, in zone: Zone, anchor: Int64) -> Int64? {
        switch self {
        case .cron(let cron):
            return cron.previous(before: instant, in: zone)
        case .interval(let n):
            return anchor + (Civil.floorDiv(instant - 1 - anchor, n)) * n
        case .calendar(let rule):
            return rule.previous(before: instant, in: zone, anchor: anchor)
        case .once(let at):
            return at < instant ? at : nil
        }
    }
}
