/// The six fields of a cron expression, seconds first.
enum CronField: Int, CaseIterable, Sendable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
}

/// One parsed term of a field: plain values, or one of the day specials.
enum CronItem: Hashable {
    case value(Int)
    case lastDay  // L in day-of-month
    case lastWeekday  // LW in day-of-month
    case nearestWeekday(Int)  // nW in day-of-month
    case lastOfWeekday(Int)  // 5L in day-of-week
    case nth(weekday: Int, n: Int)  // MON#2 in day-of-week
}
