import Foundation

/// Durations as users type them: `30s`, `5m`, `2h`, `1d`, `1h30m`, `1.5s` or a plain number
/// of seconds.
enum DurationText {
    /// Seconds in a duration, or `nil` when the text is not one.
    /// - Parameter text: the duration.
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.isEmpty { return nil }
        if let plain = Double(t) { return plain.isFinite && plain >= 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var rest = Substring(t)
        while !rest.isEmpty {
            number = String(rest.prefix { $0.isNumber || $0 == "." })
            rest = rest.dropFirst(number.count)
            let unit = String(rest.prefix { $0.isLetter })
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite, let scale = Self.units[unit] else { return nil }
            total += value * scale
        }
        return total
    }

    private static let units: [String: Double] = [
        "ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "d": 86_400, "day": 86_400, "days": 86_400,
    ]

    /// Whole seconds as the largest unit that divides them: `30s`, `5m`, `2h` (never days,
    /// which a rule reads as calendar days).
    static func compact(_ seconds: Int64) -> String {
        if seconds > 0, seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// A duration for people: `850ms`, `12.3s`, `4m 5s`, `15m`, `2h 10m`, `3d 4h`.
    static func human(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return s % 3600 / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \(s % 3600 / 60)m" }
        return s % 86_400 / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d \(s % 86_400 / 3600)h"
    }

    /// A distance in time from now: `in 3m`, `in 2h 5m`, `5m ago`, `now`.
    static func relative(_ seconds: Int64) -> String {
        let a = abs(seconds)
        let text: String
        switch a {
        case 0: return "now"
        case ..<60: text = "\(a)s"
        case ..<3600: text = "\(a / 60)m"
        case ..<86_400: text = a % 3600 / 60 == 0 ? "\(a / 3600)h" : "\(a / 3600)h \(a % 3600 / 60)m"
        default: text = a % 86_400 / 3600 == 0 ? "\(a / 86_400)d" : "\(a / 86_400)d \(a % 86_400 / 3600)h"
        }
        return seconds > 0 ? "in " + text : text + " ago"
    }
}
