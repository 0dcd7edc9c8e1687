/// The human rule syntax, beside cron:
///
/// ```
/// every 90s | every 15m | every 2h | every 30 seconds | every hour
/// every day at 09:00 | every 2 days at 09:00,18:00
/// every weekday at 09:00 | every mon,thu at 18:30 | every 2 weeks on mon,thu at 18:30
/// every month on day 31 at 08:00 | every 3 months on day 1
/// once 2026-12-24T18:00:00+01:00
/// ```
///
/// Words are case-insensitive. `at` defaults to 00:00 and a monthly `on day` to the 1st.
enum RuleText {
    static func parse(_ text: String) throws(RecurrenceError) -> Rule {
        let words = text.lowercased().split(whereSeparator: CronExpression.isSeparator).map(String.init)
        if words.first == "once" {
            var rest = Array(words.dropFirst())
            if rest.first == "at" { rest.removeFirst() }
            guard rest.count == 1 else {
                throw RecurrenceError(field: "once", "expected one instant, as in 'once 2026-12-24T18:00:00+01:00'")
            }
            guard let at = Timestamp.parse(rest[0].uppercased()) else {
                throw RecurrenceError(field: "once", "'\(rest[0])' is not an RFC 3339 instant with an offset, as in 2026-12-24T18:00:00+01:00")
            }
            return .once(at: at)
        }
        var rest = Array(words.dropFirst())
        guard !rest.isEmpty else {
            throw RecurrenceError(field: "every", "expected a period, as in 'every 15m' or 'every day at 09:00'")
        }
        // "every 2 weeks", "every 2weeks", "every 90s", "every day", "every mon,thu".
        var count = 1
        var unitWord = rest.removeFirst()
        // "every 1m30s", "every 1.5h": one interval written in several units or with a
        // fraction, as durations are written elsewhere, when it is whole seconds.
        if let seconds = try Self.compoundSeconds(unitWord) {
            guard rest.isEmpty else {
                throw RecurrenceError(field: "every", "'every \(unitWord)' repeats on a fixed interval and takes nothing after it")
            }
            return .interval(seconds: seconds)
        }
        if let n = Int(unitWord) {
            count = n
            guard !rest.isEmpty else { throw RecurrenceError(field: "every", "'\(n)' needs a unit, as in 'every \(n)m'") }
            unitWord = rest.removeFirst()
        } else if let split = unitWord.firstIndex(where: { !$0.isASCIIDigit }), split != unitWord.startIndex,
                  let n = Int(unitWord[..<split]) {
            count = n
            unitWord = String(unitWord[split...])
        }
        guard count >= 1 else { throw RecurrenceError(field: "every", "\(count) must be at least 1") }
        // "every mon, thu and fri at 09:00": weekday words may run on before `on` / `at`.
        if intervalUnits[unitWord] == nil, (try? weekdayBits([unitWord])) != nil {
            while let word = rest.first, word != "on", word != "at" {
                unitWord += "," + word
                rest.removeFirst()
            }
        }
        let clauses = try Clauses(rest)

        if let seconds = intervalUnits[unitWord] {
            guard clauses.at == nil, clauses.on == nil else {
                throw RecurrenceError(field: clauses.at != nil ? "at" : "on", "'every \(count) \(unitWord)' repeats on a fixed interval and takes no '\(clauses.at != nil ? "at" : "on")'; use 'every day at 09:00' for times of day")
            }
            let (product, overflow) = Int64(count).multipliedReportingOverflow(by: seconds)
            guard !overflow, product <= 10 * 366 * 86_400 else {
                throw RecurrenceError(field: "every", "\(count) \(unitWord) is longer than ten years")
            }
            return .interval(seconds: product)
        }
        let times = try clauses.times()
        switch unitWord {
        case "d", "day", "days":
            guard clauses.on == nil else { throw RecurrenceError(field: "on", "a daily rule takes no 'on'; use 'every week on mon,thu'") }
            return .calendar(try CalendarRule(unit: .day, every: count, times: times))
        case "w", "wk", "week", "weeks":
            guard let on = clauses.on else {
                throw RecurrenceError(field: "on", "a weekly rule needs weekdays, as in 'every week on mon,thu at 09:00'")
            }
            return .calendar(try CalendarRule(unit: .week, every: count, weekdays: try weekdayBits(on), times: times))
        case "mo", "month", "months":
            var day = 1
            if let on = clauses.on {
                guard on.count == 2, on[0] == "day", let d = Int(on[1]) else {
                    throw RecurrenceError(field: "on", "expected 'on day D' (1-31) for a monthly rule, got 'on \(on.joined(separator: " "))'")
                }
                day = d
            }
            return .calendar(try CalendarRule(unit: .month, every: count, dayOfMonth: day, times: times))
        default:
            // "every weekday", "every mon,thu", "every 2 fridays"?: weekdays as the unit.
            guard clauses.on == nil, let bits = try? weekdayBits([unitWord]) else {
                throw RecurrenceError(field: "every", "unknown period '\(unitWord)'; use s, m, h, day, week, month, weekday or weekday names")
            }
            return .calendar(try CalendarRule(unit: .week, every: count, weekdays: bits, times: times))
        }
    }

    /// The seconds of a duration in several s/m/h parts or with a fraction (`1m30s`, `1.5h`,
    /// `2h15m`), or `nil` for a single whole part (`90s`, `2h`), which the rule reads itself.
    /// - Throws: ``RecurrenceError`` when it is not whole seconds, or longer than ten years.
    static func compoundSeconds(_ word: String) throws(RecurrenceError) -> Int64? {
        var parts: [(number: String, unit: String)] = []
        var rest = Substring(word)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard !number.isEmpty, intervalUnits[String(unit)] != nil else { return nil }
            parts.append((String(number), String(unit)))
        }
        guard parts.count > 1 || parts.first?.number.contains(".") == true else { return nil }
        var total = 0.0
        for part in parts {
            guard let value = Double(part.number), value.isFinite else { return nil }
            total += value * Double(intervalUnits[part.unit]!)
        }
        guard total >= 1, total == total.rounded() else {
            throw RecurrenceError(field: "every", "'\(word)' must be a whole number of seconds, at least 1s")
        }
        guard total <= 10 * 366 * 86_400 else { throw RecurrenceError(field: "every", "'\(word)' is longer than ten years") }
        return Int64(total)
    }

    static let intervalUnits: [String: Int64] = [
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    ]

    static let weekdayWords: [String: Int] = [
        "sun": 0, "sunday": 0, "sundays": 0, "mon": 1, "monday": 1, "mondays": 1,
        "tue": 2, "tues": 2, "tuesday": 2, "tuesdays": 2, "wed": 3, "wednesday": 3, "wednesdays": 3,
        "thu": 4, "thur": 4, "thurs": 4, "thursday": 4, "thursdays": 4, "fri": 5, "friday": 5, "fridays": 5,
        "sat": 6, "saturday": 6, "saturdays": 6,
    ]

    /// `mon,thu`, `mon, thu`, `monday and thursday`, `mon-fri`, `weekday`, `weekend`.
    static func weekdayBits(_ words: [String]) throws(RecurrenceError) -> UInt8 {
        var bits: UInt8 = 0
        let items = words.joined(separator: ",").split(separator: ",").map(String.init).filter { $0 != "and" }
        guard !items.isEmpty else { throw RecurrenceError(field: "on", "expected weekdays, as in 'on mon,thu'") }
        for item in items {
            switch item {
            case "weekday", "weekdays": bits |= 0b0111110
            case "weekend", "weekends": bits |= 0b1000001
            default:
                let ends = item.split(separator: "-").map(String.init)
                if ends.count == 2, let a = weekdayWords[ends[0]], let b = weekdayWords[ends[1]] {
                    var d = a
                    while true { bits |= 1 << UInt8(d); if d == b { break }; d = (d + 1) % 7 }
                } else if let d = weekdayWords[item] {
                    bits |= 1 << UInt8(d)
                } else {
                    throw RecurrenceError(field: "on", "'\(item)' is not a weekday; use mon, tue, wed, thu, fri, sat, sun, weekday or weekend")
                }
            }
        }
        return bits
    }

    /// The `on ...` and `at ...` clauses, in either order.
    struct Clauses {
        var on: [String]?
        var at: [String]?

        init(_ words: [String]) throws(RecurrenceError) {
            var current: String?
            for word in words {
                if word == "on" || word == "at" {
                    if (word == "on" ? on : at) != nil { throw RecurrenceError(field: word, "given twice") }
                    current = word
                    if word == "on" { on = [] } else { at = [] }
                    continue
                }
                switch current {
                case "on": on!.append(word)
                case "at": at!.append(word)
                default: throw RecurrenceError(field: "rule", "unexpected '\(word)'; expected 'on ...' or 'at ...'")
                }
            }
            if let on, on.isEmpty { throw RecurrenceError(field: "on", "is empty") }
            if let at, at.isEmpty { throw RecurrenceError(field: "at", "is empty") }
        }

        /// Times of day in seconds; 00:00 when no `at` was given.
        func times() throws(RecurrenceError) -> [Int] {
            guard let at else { return [0] }
            var out: [Int] = []
            for item in at.joined(separator: ",").split(separator: ",").filter({ $0 != "and" }) {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2 || parts.count == 3,
                      let h = Int(parts[0]), let m = Int(parts[1]), parts[1].count == 2,
                      (0...23).contains(h), (0...59).contains(m) else {
                    throw RecurrenceError(field: "at", "'\(item)' is not a time of day (HH:MM, 00:00-23:59)")
                }
                var s = 0
                if parts.count == 3 {
                    guard let sec = Int(parts[2]), parts[2].count == 2, (0...59).contains(sec) else {
                        throw RecurrenceError(field: "at", "'\(item)' is not a time of day (HH:MM:SS)")
                    }
                    s = sec
                }
                out.append(h * 3600 + m * 60 + s)
            }
            return out
        }
    }
}
