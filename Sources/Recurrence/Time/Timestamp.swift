/// Strict RFC 3339 parsing and formatting of instants, without Foundation's formatters.
public enum Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM` (a space may
    /// replace the `T`).
    /// - Returns: seconds since 1970-01-01T00:00:00Z (the fraction is dropped), or `nil`.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let h = num(2), expect(58), let mi = num(2) else { return nil }
        var s = 0
        if expect(58) {
            guard let sec = num(2) else { return nil }
            s = sec
            if expect(46) {
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard (1...12).contains(mo), d >= 1, d <= Civil.daysInMonth(year: y, month: mo),
              h <= 23, mi <= 59, s <= 59 else { return nil }
        var offset = 0
        if expect(90) || expect(122) {
            offset = 0
        } else if i < b.count, b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = num(2), expect(58), let om = num(2), oh <= 23, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return Civil.seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s) - Int64(offset)
    }

    /// Formats an instant as RFC 3339 with the zone's offset at that instant
    /// (`2026-03-08T03:00:00-04:00`), or `Z` in UTC.
    /// - Parameters:
    ///   - instant: seconds since 1970-01-01T00:00:00Z.
    ///   - zone: the zone whose wall clock and offset to show.
    public static func format(_ instant: Int64, in zone: Zone) -> String {
        let offset = zone.offset(at: instant)
        let f = Civil.fields(instant + offset)
        var out = "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
        out += zone === Zone.utc ? "Z" : offsetText(offset)
        return out
    }

    /// `+01:00`, `-03:30`, `+05:45`; seconds of historical offsets are rounded away.
    public static func offsetText(_ offset: Int64) -> String {
        let a = abs(offset)
        return "\(offset < 0 ? "-" : "+")\(pad(Int(a / 3600), 2)):\(pad(Int(a % 3600 / 60), 2))"
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
