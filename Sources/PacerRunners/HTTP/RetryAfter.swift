import Foundation

/// The `Retry-After` header (RFC 9110 section 10.2.3): a number of seconds, or an HTTP-date.
public enum RetryAfter {
    /// Seconds to wait from `now`, or `nil` when the value is neither form. A date in the past
    /// gives 0.
    /// - Parameters:
    ///   - value: the header's value, e.g. `120` or `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///   - now: the current instant (passed in so the parse is pure).
    public static func seconds(from value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            return Double(text)
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses the three HTTP-date forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    /// - Parameter text: the date.
    public static func httpDate(_ text: String) -> Date? {
        let words = text.split(separator: " ").map(String.init)
        var day: Int?, month: Int?, year: Int?, time: String?
        switch words.count {
        case 6 where words[0].hasSuffix(",") && words[5] == "GMT":  // IMF-fixdate
            (day, month, year, time) = (Int(words[1]), months[words[2]], Int(words[3]), words[4])
        case 4 where words[0].hasSuffix(",") && words[3] == "GMT":  // RFC 850
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let yy = Int(parts[2]) else { return nil }
            (day, month, time) = (Int(parts[0]), months[parts[1]], words[2])
            year = yy < 100 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
        case 5:  // asctime
            (month, day, time, year) = (months[words[1]], Int(words[2]), words[3], Int(words[4]))
        default:
            return nil
        }
        let clock = (time ?? "").split(separator: ":").compactMap { Int($0) }
        guard let day, let month, let year, clock.count == 3,
              (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = DateComponents(year: year, month: month, day: day, hour: clock[0], minute: clock[1], second: clock[2])
        return calendar.date(from: parts)
    }

    private static let months: [String: Int] = [
        "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
        "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
    ]
}
