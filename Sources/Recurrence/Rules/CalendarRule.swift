/// Every N days, weeks or months at fixed wall-clock times in the schedule's zone
/// (09:00 stays 09:00 across DST changes).
///
/// The anchor (the schedule's creation by default) sets the phase of N: `every 2 weeks` fires
/// in the anchor's week, two weeks later, and so on. Weeks start on Monday. A monthly day
/// past the end of a month is clamped to its last day (31 -> February 28 or 29).
public struct CalendarRule: Sendable, Hashable {
    /// The calendar unit that repeats.
    public enum Unit: String, Sendable, Hashable { case day, week, month }

    /// The unit.
    public let unit: Unit
    /// Repeat every this many units (at least 1).
    public let every: Int
    /// For weekly rules: the weekdays as bits, Sunday = bit 0 ... Saturday = bit 6.
    public let weekdays: UInt8
    /// For monthly rules: the day of the month, 1...31.
    public let dayOfMonth: Int
    /// Times of day in seconds since midnight, sorted, at least one.
    public let times: [Int]

    /// Creates a rule, checking every field.
    /// - Parameters:
    ///   - unit: day, week or month.
    ///   - every: at least 1.
    ///   - weekdays: weekly only: bits of the weekdays (Sunday = bit 0), at least one.
    ///   - dayOfMonth: monthly only: 1...31.
    ///   - times: seconds since midnight, each in 0..<86400, at least one.
    public init(unit: Unit, every: Int, weekdays: UInt8 = 0, dayOfMonth: Int = 1, times: [Int]) throws(RecurrenceError) {
        guard every >= 1, every <= 10_000 else { throw RecurrenceError(field: "every", "\(every) must be between 1 and 10000") }
        guard !times.isEmpty else { throw RecurrenceError(field: "at", "at least one time of day is needed") }
        for t in times where !(0..<86_400).contains(t) {
            throw RecurrenceError(field: "at", "\(t) seconds is not a time of day")
        }
        if unit == .week, weekdays & 0x7F == 0 {
            throw RecurrenceError(field: "on", "a weekly rule needs at least one weekday")
        }
        if unit == .month, !(1...31).contains(dayOfMonth) {
            throw RecurrenceError(field: "day", "\(dayOfMonth) is out of range 1-31")
        }
        self.unit = unit
        self.every = every
        self.weekdays = unit == .week ? weekdays & 0x7F : 0
        self.dayOfMonth = unit == .month ? dayOfMonth : 1
        self.times = Array(Set(times)).sorted()
    }

    @inline(__always)
    static func mod(_ a: Int, _ n: Int) -> Int {
        let r = a % n
        return r < 0 ? r + n : r
    }

    /// Monday-based week number of a day number.
    @inline(__always)
    static func week(_ day: Int) -> Int { Int(Civil.floorDiv(Int64(day + 3), 7)) }

    /// Does the rule fire on this day (ignoring times)?
    func firesOn(day: Int, anchorDay: Int) -> Bool {
        switch unit {
        case .day:
            return Self.mod(day - anchorDay, every) == 0
        case .week:
            guard weekdays & (1 << UInt8(Civil.weekday(days: day))) != 0 else { return false }
            return Self.mod(Self.week(day) - Self.week(anchorDay), every) == 0
        case .month:
            let (y, m, d) = Civil.date(days: day)
            let (ay, am, _) = Civil.date(days: anchorDay)
            guard Self.mod((y * 12 + m) - (ay * 12 + am), every) == 0 else { return false }
            return d == min(dayOfMonth, Civil.daysInMonth(year: y, month: m))
        }
    }

    /// The next day at or after `day` on which the rule fires.
    func nextDay(atOrAfter day: Int, anchorDay: Int) -> Int {
        switch unit {
        case .day:
            return day + Self.mod(anchorDay - day, every)
        case .week:
            var d = day
            while !firesOn(day: d, anchorDay: anchorDay) { d += 1 }
            return d
        case .month:
            let (y, m, _) = Civil.date(days: day)
            let (ay, am, _) = Civil.date(days: anchorDay)
            var index = y * 12 + (m - 1)
            index += Self.mod((ay * 12 + am - 1) - index, every)
            while true {
                let yy = Int(Civil.floorDiv(Int64(index), 12)), mm = index - yy * 12 + 1
                let d = Civil.days(year: yy, month: mm, day: min(dayOfMonth, Civil.daysInMonth(year: yy, month: mm)))
                if d >= day { return d }
                index += every
            }
        }
    }

    /// The last day at or before `day` on which the rule fires.
    func previousDay(atOrBefore day: Int, anchorDay: Int) -> Int {
        switch unit {
        case .day:
            return day - Self.mod(day - anchorDay, every)
        case .week:
            var d = day
            while !firesOn(day: d, anchorDay: anchorDay) { d -= 1 }
            return d
        case .month:
            let (y, m, _) = Civil.date(days: day)
            let (ay, am, _) = Civil.date(days: anchorDay)
            var index = y * 12 + (m - 1)
            index -= Self.mod(index - (ay * 12 + am - 1), every)
            while true {
                let yy = Int(Civil.floorDiv(Int64(index), 12)), mm = index - yy * 12 + 1
                let d = Civil.days(year: yy, month: mm, day: min(dayOfMonth, Civil.daysInMonth(year: yy, month: mm)))
                if d <= day { return d }
                index -= every
            }
        }
    }

    /// The first firing wall-clock time at or after `wall`.
    func nextWall(atOrAfter wall: Int64, anchorWall: Int64) -> Int64 {
        let anchorDay = Int(Civil.floorDiv(anchorWall, 86_400))
        let today = Int(Civil.floorDiv(wall, 86_400))
        let tod = Int(wall - Int64(today) * 86_400)
        var day = nextDay(atOrAfter: today, anchorDay: anchorDay)
        if day == today {
            if let t = times.first(where: { $0 >= tod }) { return Int64(day) * 86_400 + Int64(t) }
            day = nextDay(atOrAfter: today + 1, anchorDay: anchorDay)
        }
        return Int64(day) * 86_400 + Int64(times[0])
    }

    /// The last firing wall-clock time at or before `wall`.
    func previousWall(atOrBefore wall: Int64, anchorWall: Int64) -> Int64 {
        let anchorDay = Int(Civil.floorDiv(anchorWall, 86_400))
        let today = Int(Civil.floorDiv(wall, 86_400))
        let tod = Int(wall - Int64(today) * 86_400)
        var day = previousDay(atOrBefore: today, anchorDay: anchorDay)
        if day == today {
            if let t = times.last(where: { $0 <= tod }) { return Int64(day) * 86_400 + Int64(t) }
            day = previousDay(atOrBefore: today - 1, anchorDay: anchorDay)
        }
        return Int64(day) * 86_400 + Int64(times[times.count - 1])
    }

    /// The first fire strictly after an instant: wall-clock matches read with
    /// ``Zone/resolveFirst(_:)`` (first occurrence of a repeated time, end of a gap).
    func next(after instant: Int64, in zone: Zone, anchor: Int64) -> Int64 {
        let anchorWall = zone.wall(anchor)
        var wall = zone.wall(instant)
        while true {
            let match = nextWall(atOrAfter: wall + 1, anchorWall: anchorWall)
            let fire = zone.resolveFirst(match)
            if fire > instant { return fire }
            wall = match
        }
    }

    /// The last fire strictly before an instant.
    func previous(before instant: Int64, in zone: Zone, anchor: Int64) -> Int64 {
        let anchorWall = zone.wall(anchor)
        var wall = instant + zone.maxNearbyOffset(zone.period(containing: instant))
        while true {
            let match = previousWall(atOrBefore: wall, anchorWall: anchorWall)
            let fire = zone.resolveFirst(match)
            if fire < instant { return fire }
            wall = match - 1
        }
    }
}
