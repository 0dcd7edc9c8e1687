/// English sentences for cron expressions: "At 09:00, Monday through Friday".
extension CronExpression {
    /// An English sentence for the expression.
    public func describe() -> String {
        var parts = [timePhrase()]
        if let days = dayPhrase() { parts.append(days) }
        if let months = monthPhrase() { parts.append(months) }
        return parts.joined(separator: ", ")
    }

    var secondValues: [Int] { Wording.values(seconds, in: 0...59) }
    var minuteValues: [Int] { Wording.values(minutes, in: 0...59) }
    var hourValues: [Int] { Wording.values(UInt64(hours), in: 0...23) }

    func timePhrase() -> String {
        let secs = secondValues, mins = minuteValues, hrs = hourValues
        let secondPart: String? = secs == [0] ? nil : phrase(secs, unit: "second", range: 0...59)
        // A handful of exact times: "At 09:00 and 17:30".
        if secs.count == 1, mins.count * hrs.count <= 6, mins.count <= 3 {
            let times = hrs.flatMap { h in mins.map { m in Wording.clock(h * 3600 + m * 60 + secs[0]) } }
            return "At " + Wording.list(times)
        }
        var text: String
        if mins.count == 60 {
            text = secondPart.map { "\($0)" } ?? "Every minute"
            if secondPart != nil, secs.count != 60 { text += " of every minute" }
        } else if mins.count == 1, secondPart == nil {
            text = mins[0] == 0 && hrs.count == 24 ? "Every hour" : "At minute \(mins[0]) past the hour"
        } else {
            text = phrase(mins, unit: "minute", range: 0...59)
            if let secondPart { text = secondPart + ", " + text.prefix(1).lowercased() + text.dropFirst() }
        }
        if hrs.count == 24 { return text }
        if let step = Wording.step(hrs, range: 0...23) {
            return text + ", every \(step) hours" + (hrs[0] == 0 ? "" : " from \(Wording.clock(hrs[0] * 3600))")
        }
        if hrs.count >= 3, hrs.last! - hrs.first! + 1 == hrs.count {
            return text + ", between \(Wording.clock(hrs.first! * 3600)) and \(Wording.clock(hrs.last! * 3600 + mins.last! * 60))"
        }
        return text + ", during hour\(hrs.count == 1 ? "" : "s") " + Wording.runs(hrs, name: { Wording.clock($0 * 3600) }, through: " through ")
    }

    /// "Every 15 minutes", "At minutes 0, 20 and 40", "At minute 5", "Every second".
    func phrase(_ values: [Int], unit: String, range: ClosedRange<Int>) -> String {
        if values.count == range.count { return "Every \(unit)" }
        if let step = Wording.step(values, range: range) {
            return "Every \(step) \(unit)s" + (values[0] == 0 ? "" : " from \(unit) \(values[0])")
        }
        if values.count == 1 { return "At \(unit) \(values[0])" }
        if values.count >= 3, values.last! - values.first! + 1 == values.count {
            return "Every \(unit) from \(values.first!) through \(values.last!)"
        }
        return "At \(unit)s " + Wording.runs(values)
    }

    func dayPhrase() -> String? {
        let dom = domPhrase(), dow = dowPhrase()
        switch (dom, dow) {
        case (nil, nil): return nil
        case (let d?, nil): return d
        case (nil, let w?): return w
        case (let d?, let w?): return dayAnd ? "\(d), only if it is \(w.hasPrefix("on ") ? String(w.dropFirst(3)) : w)" : "\(d), or \(w)"
        }
    }

    /// Nil when every day of the month is allowed.
    func domPhrase() -> String? {
        let days = Wording.values(UInt64(daysOfMonth), in: 1...31)
        if days.count == 31, !lastDayOfMonth { return nil }
        var items: [String] = []
        if !days.isEmpty {
            if let step = Wording.step(days, range: 1...31) {
                items.append("every \(Wording.ordinal(step)) day of the month" + (days[0] == 1 ? "" : " from day \(days[0])"))
            } else {
                items.append("day\(days.count == 1 ? "" : "s") \(Wording.runs(days, through: " through ")) of the month")
            }
        }
        if lastDayOfMonth { items.append("the last day of the month") }
        if lastWeekdayOfMonth { items.append("the last weekday of the month") }
        for d in Wording.values(UInt64(nearestWeekdays), in: 1...31) { items.append("the weekday nearest day \(d)") }
        return "on " + Wording.list(items)
    }

    /// Nil when every weekday is allowed.
    func dowPhrase() -> String? {
        let plain = Wording.values(UInt64(weekdays), in: 0...6)
        if plain.count == 7 { return nil }
        var items: [String] = []
        if !plain.isEmpty {
            // Monday-first order reads naturally: "Monday through Friday", "Saturday and Sunday".
            let mondayFirst = plain.map { $0 == 0 ? 7 : $0 }.sorted()
            let name = { (d: Int) in Wording.weekdayNames[d % 7] }
            items.append(Wording.runs(mondayFirst, name: name, through: " through "))
        }
        for n in 1...5 {
            for wd in 0..<7 where nthWeekdays & (1 << UInt64(7 * (n - 1) + wd)) != 0 {
                items.append("the \(Wording.ordinals[n - 1]) \(Wording.weekdayNames[wd]) of the month")
            }
        }
        for wd in 0..<7 where lastWeekdays & (1 << UInt8(wd)) != 0 {
            items.append("the last \(Wording.weekdayNames[wd]) of the month")
        }
        let text = Wording.list(items)
        return items.count == 1 && text.contains(" through ") ? text : "on " + text
    }

    func monthPhrase() -> String? {
        let ms = Wording.values(UInt64(months), in: 1...12)
        if ms.count == 12 { return nil }
        if let step = Wording.step(ms, range: 1...12) {
            return "every \(step) months" + (ms[0] == 1 ? "" : " from \(Self.monthTitle(ms[0]))")
        }
        return "in " + Wording.runs(ms, name: Self.monthTitle, through: " through ")
    }
}
