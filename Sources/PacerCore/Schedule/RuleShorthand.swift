import Foundation

/// The shorthands every surface accepts for `timing.rule`: `cron` and `rule` (the rule text
/// itself), `every` (a duration: `every 30s`), `at` (one RFC 3339 instant: `once ...`). The
/// API, `pacer apply`, the CLI's flags and the MCP tools all read them here, so a value that
/// one accepts the others accept, with the same message when they refuse it.
public enum RuleShorthand: String, CaseIterable, Sendable {
    case cron, every, rule, at

    /// The longest `every`, ten years (what interval rules allow).
    public static let maxEverySeconds = 10.0 * 366 * 86_400

    /// Why a shorthand's value stands for no rule: a message to put after its field or flag.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The rule text the value stands for.
    /// - Parameters:
    ///   - text: the shorthand's value.
    ///   - now: when given, an `at` before it is refused: a new one-shot whose instant has
    ///     passed would never fire.
    /// - Throws: ``Problem``.
    public func rule(_ text: String, now: Date? = nil) throws(Problem) -> String {
        switch self {
        case .cron, .rule:
            if let now, let problem = Self.pastOneShotProblem(text, now: now) { throw Problem(message: problem) }
            return text
        case .every:
            guard let seconds = DurationText.seconds(text) else {
                throw Problem(message: "'\(text.prefix(100))' is not a duration such as 30s, 5m or 2h")
            }
            guard seconds >= 1, seconds <= Self.maxEverySeconds, seconds == seconds.rounded() else {
                throw Problem(message: "'\(text.prefix(100))' must be a whole number of seconds, at least 1s and at most ten years")
            }
            return "every " + DurationText.compact(Int64(seconds))
        case .at:
            let instant = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "T")
            guard let date = PacerJSON.parse(instant), Self.writable.contains(date) else {
                throw Problem(message: "'\(text.prefix(100))' is not an RFC 3339 instant such as 2026-12-24T18:00:00+01:00")
            }
            if let now, let problem = Self.pastOneShotProblem("once " + instant, now: now) { throw Problem(message: problem) }
            return "once " + instant
        }
    }

    /// Why a one-shot rule (`once <instant>`) cannot be stored now: its instant has passed, so
    /// it would never fire. `nil` for any other rule, or an instant still to come.
    public static func pastOneShotProblem(_ rule: String, now: Date) -> String? {
        let words = rule.split(separator: " ", maxSplits: 1)
        guard words.count == 2, words[0].lowercased() == "once",
              let date = PacerJSON.parse(String(words[1]).trimmingCharacters(in: .whitespaces)) else { return nil }
        guard date.timeIntervalSince1970.rounded(.down) < now.timeIntervalSince1970.rounded(.down) else { return nil }
        return "'\(String(words[1]).prefix(100))' is in the past (it is \(PacerJSON.format(now)) now): a one-shot schedule needs an instant still to come"
    }

    /// The instants RFC 3339 can write: years 0001 to 9999.
    public static let writable = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799.999)
}
