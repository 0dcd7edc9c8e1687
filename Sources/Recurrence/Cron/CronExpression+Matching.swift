/// Wall-clock search: the next or previous wall-clock time whose fields all match, with no
/// time zone involved. Each step jumps straight to the next set bit of a field.
extension CronExpression {
    /// Days 1...31 of a month that match the day rule, as bits.
    @inline(__always)
    func dayMask(year: Int, month: Int) -> UInt32 {
        let length = Civil.daysInMonth(year: year, month: month)
        let valid: UInt32 = (UInt32(2) << UInt32(length)) &- 2  // bits 1...length
        let firstWeekday = Civil.weekday(days: Civil.days(year: year, month: month, day: 1))

        var dom = daysOfMonth
        if lastDayOfMonth { dom |= 1 << UInt32(length) }
        if lastWeekdayOfMonth || nearestWeekdays != 0 {
            dom |= specialDays(length: length, firstWeekday: firstWeekday)
        }
        var dow = weekdayPatterns.plain[firstWeekday] | weekdayPatterns.nth[firstWeekday]
        if lastWeekdays != 0 {
            for wd in 0..<7 where lastWeekdays & (1 << UInt8(wd)) != 0 {
                let first = 1 + (wd - firstWeekday + 7) % 7
                dow |= 1 << UInt32(first + (length - first) / 7 * 7)
            }
        }
        return (dayAnd ? dom & dow : dom | dow) & valid
    }

    /// `LW` and `nW` days of a month.
    private func specialDays(length: Int, firstWeekday: Int) -> UInt32 {
        func weekday(_ day: Int) -> Int { (firstWeekday + day - 1) % 7 }
        var bits: UInt32 = 0
        if lastWeekdayOfMonth {
            switch weekday(length) {
            case 0: bits |= 1 << UInt32(length - 2)
            case 6: bits |= 1 << UInt32(length - 1)
            default: bits |= 1 << UInt32(length)
            }
        }
        var rest = nearestWeekdays
        while rest != 0 {
            let n = rest.trailingZeroBitCount
            rest &= rest - 1
            guard n <= length else { continue }
            let day = n
            switch weekday(day) {
            case 6: bits |= 1 << UInt32(day == 1 ? 3 : day - 1)
            case 0: bits |= 1 << UInt32(day == length ? day - 2 : day + 1)
            default: bits |= 1 << UInt32(day)
            }
        }
        return bits
    }

    /// The first matching wall-clock time at or after `wall`, searching up to `limitYear`.
    func nextWall(atOrAfter wall: Int64, limitYear: Int) -> Int64? {
        let f = Civil.fields(wall)
        var (y, mo, d, h, mi, s) = (f.year, f.month, f.day, f.hour, f.minute, f.second)
        var maskYear = 0, maskMonth = 0, mask: UInt32 = 0
        while y <= limitYear {
            if months & (1 << UInt16(mo)) == 0 {
                let later = months & ~((UInt16(2) << UInt16(mo)) &- 1)
                if later == 0 {
                    y += 1
                    mo = months.trailingZeroBitCount
                } else {
                    mo = later.trailingZeroBitCount
                }
                d = 1; h = 0; mi = 0; s = 0
                continue
            }
            if maskYear != y || maskMonth != mo {
                mask = dayMask(year: y, month: mo)
                maskYear = y; maskMonth = mo
            }
            let days = d > 31 ? 0 : mask & ~((UInt32(1) << UInt32(d)) &- 1)
            if days == 0 {
                mo += 1
                if mo > 12 { mo = 1; y += 1 }
                d = 1; h = 0; mi = 0; s = 0
                continue
            }
            let nd = days.trailingZeroBitCount
            if nd != d { d = nd; h = 0; mi = 0; s = 0 }
            let hs = h > 23 ? 0 : hours & ~((UInt32(1) << UInt32(h)) &- 1)
            if hs == 0 { d += 1; h = 0; mi = 0; s = 0; continue }
            let nh = hs.trailingZeroBitCount
            if nh != h { h = nh; mi = 0; s = 0 }
            let ms = mi > 59 ? 0 : minutes & ~((UInt64(1) << UInt64(mi)) &- 1)
            if ms == 0 { h += 1; mi = 0; s = 0; continue }
            let nm = ms.trailingZeroBitCount
            if nm != mi { mi = nm; s = 0 }
            let ss = seconds & ~((UInt64(1) << UInt64(s)) &- 1)
            if ss == 0 { mi += 1; s = 0; continue }
            s = ss.trailingZeroBitCount
            return Civil.seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        }
        return nil
    }

    /// The last matching wall-clock time at or before `wall`, searching down to `limitYear`.
    func previousWall(atOrBefore wall: Int64, limitYear: Int) -> Int64? {
        let f = Civil.fields(wall)
        var (y, mo, d, h, mi, s) = (f.year, f.month, f.day, f.hour, f.minute, f.second)
        var maskYear = 0, maskMonth = 0, mask: UInt32 = 0
        while y >= limitYear {
            if months & (1 << UInt16(mo)) == 0 {
                let earlier = months & ((UInt16(1) << UInt16(mo)) &- 1)
                if earlier == 0 {
                    y -= 1
                    mo = 15 - months.leadingZeroBitCount
                } else {
                    mo = 15 - earlier.leadingZeroBitCount
                }
                d = 31; h = 23; mi = 59; s = 59
                continue
            }
            if maskYear != y || maskMonth != mo {
                mask = dayMask(year: y, month: mo)
                maskYear = y; maskMonth = mo
            }
            let days = d < 1 ? 0 : mask & ((UInt32(2) << UInt32(d)) &- 1)
            if days == 0 {
                mo -= 1
                if mo < 1 { mo = 12; y -= 1 }
                d = 31; h = 23; mi = 59; s = 59
                continue
            }
            let nd = 31 - days.leadingZeroBitCount
            if nd != d { d = nd; h = 23; mi = 59; s = 59 }
            let hs = h < 0 ? 0 : hours & ((UInt32(2) << UInt32(h)) &- 1)
            if hs == 0 { d -= 1; h = 23; mi = 59; s = 59; continue }
            let nh = 31 - hs.leadingZeroBitCount
            if nh != h { h = nh; mi = 59; s = 59 }
            let ms = mi < 0 ? 0 : minutes & ((UInt64(2) << UInt64(mi)) &- 1)
            if ms == 0 { h -= 1; mi = 59; s = 59; continue }
            let nm = 63 - ms.leadingZeroBitCount
            if nm != mi { mi = nm; s = 59 }
            let ss = s < 0 ? 0 : seconds & ((UInt64(2) << UInt64(s)) &- 1)
            if ss == 0 { mi -= 1; s = 59; continue }
            s = 63 - ss.leadingZeroBitCount
            return Civil.seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        }
        return nil
    }
}
