/// Parses the text of one cron field into items, with the grammar of Debian-compatible cron:
/// `*`, numbers, names, lists, ranges, steps, `L`, `LW`, `nW`, `nL`, `D#n`.
///
/// The order of the checks matters and is part of the contract: lists first, then the
/// day-of-week `L` and `#` forms, then steps, then ranges, then the day-of-month specials.
struct CronFieldParser {
    let field: CronField
    /// The field's text as written, for messages.
    let text: String

    func error(_ message: String) -> RecurrenceError {
        RecurrenceError(field: field.name, message)
    }

    func parse(_ s: Substring) throws(RecurrenceError) -> Set<CronItem> {
        if s == "*" { return Set(field.range.map(CronItem.value)) }
        if s.contains(",") {
            var result = Set<CronItem>()
            for term in s.split(separator: ",", omittingEmptySubsequences: false) {
                if term.isEmpty { throw error("empty item in list '\(text)'") }
                result.formUnion(try parse(term))
            }
            return result
        }
        if field == .dayOfWeek, s.contains("L") {
            let value = s.dropLast()
            guard s.last == "L", !value.isEmpty, value.allSatisfy(\.isASCIIDigit) else {
                throw error("'\(s)' is not valid; 'L' follows a weekday number, as in 5L")
            }
            return [.lastOfWeekday(try int(value) % 7)]
        }
        if field == .dayOfWeek, let hash = s.firstIndex(of: "#") {
            let nthText = s[s.index(after: hash)...]
            let n = try digits(nthText, what: "the number after '#'")
            guard (1...5).contains(n) else { throw error("'#\(nthText)' must be between #1 and #5") }
            return [.nth(weekday: try int(s[..<hash]) % 7, n: n)]
        }
        if let slash = s.firstIndex(of: "/") {
            let stepText = s[s.index(after: slash)...]
            let step = try digits(stepText, what: "the step")
            guard step > 0 else { throw error("step 0 in '\(s)' must be at least 1") }
            let stride = min(step, 1000)
            let items = try parse(s[..<slash])
            if items == [.lastDay] || items == [.lastWeekday] { return items }
            if items.count == 1, case .value(let start)? = items.first {
                return Set(Swift.stride(from: start, through: field.range.upperBound, by: stride).map(CronItem.value))
            }
            let values = items.compactMap { if case .value(let v) = $0 { v } else { nil } }.sorted()
            guard values.count == items.count else { throw error("a step cannot follow '\(s[..<slash])'") }
            return Set(Swift.stride(from: 0, to: values.count, by: stride).map { CronItem.value(values[$0]) })
        }
        if let dash = s.firstIndex(of: "-") {
            let start = try int(s[..<dash])
            let end = try int(s[s.index(after: dash)...])
            guard end >= start else { throw error("range \(start)-\(end) is reversed") }
            return Set((start...end).map(CronItem.value))
        }
        if field == .dayOfMonth {
            if s == "LW" { return [.lastWeekday] }
            if s == "L" { return [.lastDay] }
            if s.count >= 2, s.last == "W", s.dropLast().allSatisfy(\.isASCIIDigit) {
                let day = try int(s.dropLast())
                return [.nearestWeekday(day)]
            }
        }
        return [.value(try int(s))]
    }

    /// A name (month or weekday) or a number within the field's range.
    func int(_ s: Substring) throws(RecurrenceError) -> Int {
        if field == .month, let i = CronField.monthNames.firstIndex(of: String(s)) { return i + 1 }
        if field == .dayOfWeek, let i = CronField.weekdayNames.firstIndex(of: String(s)) { return i }
        let v = try digits(s, what: nil)
        guard field.range.contains(v) else {
            throw error("\(s) is out of range \(field.range.lowerBound)-\(field.range.upperBound)")
        }
        return v
    }

    /// Decimal digits (ASCII only). Values too large for any field read as `Int.max`.
    func digits(_ s: Substring, what: String?) throws(RecurrenceError) -> Int {
        guard !s.isEmpty, s.allSatisfy(\.isASCIIDigit) else {
            if let what { throw error("\(what) '\(s)' is not a number") }
            if s.isEmpty { throw error("missing value in '\(text)'") }
            let kind = field == .month ? "a month name or number" : field == .dayOfWeek ? "a weekday name or number" : "a number"
            throw error("'\(s)' is not \(kind)")
        }
        let significant = s.drop(while: { $0 == "0" })
        if significant.isEmpty { return 0 }
        return significant.count > 9 ? Int.max : Int(significant)!
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
