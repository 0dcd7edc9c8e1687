import Foundation

/// Durations as people type them, on every surface: `30s`, `5m`, `2h`, `1d`, `1h30m`, `1.5s`,
/// `250ms` or a plain number of seconds.
public enum DurationText {
    /// The longest duration any field takes: ten years. Longer text is refused rather than
    /// turned into a number nothing downstream can hold.
    public static let maxSeconds: Double = 10 * 366 * 86_400

    /// Seconds in a duration, or `nil` when the text is not one, is negative, or is longer
    /// than ``maxSeconds``.
    /// - Parameter text: the duration.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.isEmpty || t.count > 100 { return nil }
        if let plain = Double(t) { return plain.isFinite && plain >= 0 && plain <= maxSeconds ? plain : nil }
        var total = 0.0
        var rest = Substring(t)
        while !rest.isEmpty {
            let number = String(rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") })
            rest = rest.dropFirst(number.count)
            let unit = String(rest.prefix { $0.isLetter })
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite, let scale = units[unit] else { return nil }
            total += value * scale
        }
        return total.isFinite && total <= maxSeconds ? total : nil
    }

    private static let units: [String: Double] = [
        "ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "d": 86_400, "day": 86_400, "days": 86_400,
    ]

    /// Whole seconds as the largest unit that divides them: `30s`, `5m`, `2h` (never days,
    /// which a rule reads as calendar days).
    /// - Parameter seconds: whole seconds.
    public static func compact(_ seconds: Int64) -> String {
        if seconds > 0, seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
