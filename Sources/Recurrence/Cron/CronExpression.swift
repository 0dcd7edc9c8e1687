/// A parsed cron expression: 5 fields, or 6 with seconds first, or a macro such as `@daily`.
///
/// Parse once with ``init(_:)``; evaluation is pure bit arithmetic on the compiled fields.
/// Matching is on wall-clock time; ``ZonedCron`` adds the time-zone rules.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    /// True for six-field expressions (seconds first).
    public let hasSeconds: Bool
    /// Debian cron's *fixed-time* rule: five fields whose minute and hour fields do not start
    /// with `*`. In a zone with DST, such rules fire once for a repeated local time and at the
    /// end of a gap for a skipped one; all others fire at every real instant that matches.
    public let isFixedTime: Bool
    /// Day-of-month and day-of-week are AND-ed when either field starts with `*`, else OR-ed.
    let dayAnd: Bool

    let seconds: UInt64
    let minutes: UInt64
    let hours: UInt32
    /// Bits 1...31.
    let daysOfMonth: UInt32
    let lastDayOfMonth: Bool
    let lastWeekdayOfMonth: Bool
    /// Bits 1...31: `nW` terms.
    let nearestWeekdays: UInt32
    /// Bits 1...12.
    let months: UInt16
    /// Bits 0...6, Sunday = 0.
    let weekdays: UInt8
    /// Bits 0...6: `nL` terms (last such weekday of the month).
    let lastWeekdays: UInt8
    /// Bit `7 * (n - 1) + weekday`: `weekday#n` terms.
    let nthWeekdays: UInt64
    /// For each weekday of the 1st of a month, the days 1...31 matched by `weekdays`.
    let weekdayPatterns: WeekdayPatterns
    /// The field texts, for `describe()`.
    let fieldTexts: [String]

    public var description: String { text }

    /// The macros and their five-field meaning.
    public static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses and validates an expression.
    /// - Parameter text: five fields (`minute hour day-of-month month day-of-week`), six with
    ///   seconds first, or a macro. Names and letters are case-insensitive.
    /// - Throws: ``RecurrenceError`` naming the field and the bad value, or saying that the rule
    ///   can never fire.
    public init(_ text: String) throws(RecurrenceError) {
        self.text = text
        let trimmed = text.trimmingWhitespace
        let source = Self.macros[trimmed.lowercased()] ?? trimmed
        var parts = source.uppercased().split(whereSeparator: Self.isSeparator)
        guard parts.count == 5 || parts.count == 6 else {
            if parts.count == 1, trimmed.hasPrefix("@") {
                throw RecurrenceError(field: "expression", "unknown macro '\(trimmed)'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            throw RecurrenceError(field: "expression", "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got \(parts.count)")
        }
        hasSeconds = parts.count == 6
        if parts.count == 5 { parts.insert("0", at: 0) }
        fieldTexts = parts.map(String.init)
        dayAnd = parts[3].hasPrefix("*") || parts[5].hasPrefix("*")
        isFixedTime = !hasSeconds && !parts[1].hasPrefix("*") && !parts[2].hasPrefix("*")

        var items: [Set<CronItem>] = []
        for field in CronField.allCases {
            let part = parts[field.rawValue]
            items.append(try CronFieldParser(field: field, text: String(part)).parse(part))
        }
        func mask(_ f: CronField) -> UInt64 {
            items[f.rawValue].reduce(0) { if case .value(let v) = $1 { $0 | 1 << UInt64(v) } else { $0 } }
        }
        seconds = mask(.second)
        minutes = mask(.minute)
        hours = UInt32(mask(.hour))
        months = UInt16(mask(.month))
        daysOfMonth = UInt32(mask(.dayOfMonth))
        var last = false, lastWeekday = false, nearest: UInt32 = 0
        for item in items[CronField.dayOfMonth.rawValue] {
            switch item {
            case .lastDay: last = true
            case .lastWeekday: lastWeekday = true
            case .nearestWeekday(let d): nearest |= 1 << UInt32(d)
            default: break
            }
        }
        lastDayOfMonth = last
        lastWeekdayOfMonth = lastWeekday
        nearestWeekdays = nearest
        var wd: UInt8 = 0, lastWd: UInt8 = 0, nth: UInt64 = 0
        for item in items[CronField.dayOfWeek.rawValue] {
            switch item {
            case .value(let v): wd |= 1 << UInt8(v % 7)
            case .lastOfWeekday(let v): lastWd |= 1 << UInt8(v)
            case .nth(let v, let n): nth |= 1 << UInt64(7 * (n - 1) + v)
            default: break
            }
        }
        weekdays = wd
        lastWeekdays = lastWd
        nthWeekdays = nth
        weekdayPatterns = WeekdayPatterns(weekdays: wd, nth: nth)
        try validateCanFire(items[CronField.dayOfMonth.rawValue])
    }

    /// Python-compatible whitespace: Unicode white space plus the ASCII separators 0x1C-0x1F.
    static func isSeparator(_ c: Character) -> Bool {
        c.isWhitespace || (c.asciiValue.map { (0x1C...0x1F).contains($0) } ?? false)
    }

    /// Rejects rules that can never fire: first Debian cron's check (an AND-ed day of month
    /// that no listed month has), then a search of one full 400-year Gregorian cycle.
    private func validateCanFire(_ dayItems: Set<CronItem>) throws(RecurrenceError) {
        let plainDays = dayItems.compactMap { if case .value(let v) = $0 { v } else { nil } }
        if dayAnd, plainDays.count == dayItems.count, let minDay = plainDays.min(), minDay > 29 {
            let listed = (1...12).filter { months & (1 << UInt16($0)) != 0 }
            let longest: Int = listed.map { Civil.daysInMonth(year: 2000, month: $0) }.max() ?? 31
            if minDay > longest {
                let names = listed.map { Self.monthTitle($0) }
                throw RecurrenceError(field: "day-of-month", "\(minDay) never occurs in \(names.joined(separator: ", "))")
            }
        }
        // Day patterns repeat every 400 years (146,097 days, a whole number of weeks).
        let start = Civil.seconds(year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        if nextWall(atOrAfter: start, limitYear: 2401) == nil {
            throw RecurrenceError(field: "day-of-month", "no day matches both day-of-month '\(fieldTexts[3])' and day-of-week '\(fieldTexts[5])' in any month of the rule; it can never fire")
        }
    }

    static func monthTitle(_ m: Int) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"][m - 1]
    }
}

/// Precomputed day-of-month masks for the plain weekday and `#n` terms, one per weekday of
/// the month's first day.
struct WeekdayPatterns: Sendable, Hashable {
    var plain: [UInt32] = []
    var nth: [UInt32] = []

    init(weekdays: UInt8, nth nthBits: UInt64) {
        for first in 0..<7 {
            var p: UInt32 = 0, n: UInt32 = 0
            for day in 1...31 {
                let wd = (first + day - 1) % 7
                if weekdays & (1 << UInt8(wd)) != 0 { p |= 1 << UInt32(day) }
                let k = (day + 6) / 7
                if nthBits & (1 << UInt64(7 * (k - 1) + wd)) != 0 { n |= 1 << UInt32(day) }
            }
            plain.append(p)
            nth.append(n)
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let s = scalars.firstIndex(where: { !CronExpression.isSeparator(Character($0)) }) else { return "" }
        let e = scalars.lastIndex(where: { !CronExpression.isSeparator(Character($0)) })!
        return String(scalars[s...e])
    }
}
