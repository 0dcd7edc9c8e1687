extension Rule {
    /// An English sentence for the rule ("At 09:00, Monday through Friday",
    /// "Every 90 seconds", "Every 2 weeks on Monday and Thursday at 18:30").
    /// - Parameter zone: the zone used to show a one-shot instant.
    public func describe(in zone: Zone = .utc) -> String {
        switch self {
        case .cron(let cron):
            return cron.describe()
        case .interval(let n):
            if n % 3600 == 0 { return "Every " + Wording.plural(n / 3600, "hour") }
            if n % 60 == 0 { return "Every " + Wording.plural(n / 60, "minute") }
            return "Every " + Wording.plural(n, "second")
        case .calendar(let rule):
            return rule.describe()
        case .once(let at):
            return "Once, at " + Timestamp.format(at, in: zone)
        }
    }
}

extension CalendarRule {
    /// An English sentence for the rule.
    public func describe() -> String {
        let at = "at " + Wording.list(times.map(Wording.clock))
        switch unit {
        case .day:
            return "Every " + Wording.plural(Int64(every), "day") + " " + at
        case .week:
            let days = Wording.values(UInt64(weekdays), in: 0...6).map { $0 == 0 ? 7 : $0 }.sorted()
            let names = days == [1, 2, 3, 4, 5] ? "Monday through Friday"
                : Wording.list(days.map { Wording.weekdayNames[$0 % 7] })
            return "Every " + Wording.plural(Int64(every), "week") + " on \(names) " + at
        case .month:
            let clamp = dayOfMonth > 28 ? " (the last day in shorter months)" : ""
            return "Every " + Wording.plural(Int64(every), "month") + " on day \(dayOfMonth)\(clamp) " + at
        }
    }
}

extension Cadence {
    /// An English sentence for the rule and its bounds.
    public func describe() -> String {
        var text = rule.describe(in: zone)
        if let startsAt { text += ", starting \(Timestamp.format(startsAt, in: zone))" }
        if let endsAt { text += ", until \(Timestamp.format(endsAt, in: zone))" }
        if let maxFires { text += ", at most \(maxFires) time\(maxFires == 1 ? "" : "s")" }
        if jitter > 0 { text += ", delayed by up to \(jitter) s of jitter" }
        return text
    }
}
