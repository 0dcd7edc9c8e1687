/// Small helpers for English sentences.
enum Wording {
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let ordinals = ["first", "second", "third", "fourth", "fifth"]

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// 1st, 2nd, 3rd, 4th, 11th, 21st.
    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }

    static func plural(_ n: Int64, _ unit: String) -> String {
        n == 1 ? unit : "\(n) \(unit)s"
    }

    static func clock(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        let hm = "\(Timestamp.pad(h, 2)):\(Timestamp.pad(m, 2))"
        return s == 0 ? hm : hm + ":\(Timestamp.pad(s, 2))"
    }

    /// The set bits of a mask in `range`.
    static func values(_ mask: UInt64, in range: ClosedRange<Int>) -> [Int] {
        range.filter { mask & (1 << UInt64($0)) != 0 }
    }

    /// A sorted set of values read as runs: "1-5", "1, 3 and 7", "9-17 and 20".
    static func runs(_ values: [Int], name: (Int) -> String = { String($0) }, through: String = "-") -> String {
        var parts: [String] = []
        var i = 0
        while i < values.count {
            var j = i
            while j + 1 < values.count, values[j + 1] == values[j] + 1 { j += 1 }
            if j - i >= 2 {
                parts.append("\(name(values[i]))\(through)\(name(values[j]))")
            } else {
                for k in i...j { parts.append(name(values[k])) }
            }
            i = j + 1
        }
        return list(parts)
    }

    /// When the values are `start, start+step, ...` up to the end of the range, the step.
    static func step(_ values: [Int], range: ClosedRange<Int>) -> Int? {
        guard values.count >= 2 else { return nil }
        let step = values[1] - values[0]
        guard step > 1 else { return nil }
        for k in 1..<values.count where values[k] - values[k - 1] != step { return nil }
        return values.last! + step > range.upperBound ? step : nil
    }
}
