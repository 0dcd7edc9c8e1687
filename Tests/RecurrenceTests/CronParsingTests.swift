import Testing
@testable import Recurrence

@Suite struct CronParsingTests {
    @Test(arguments: [
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("* * * 13 *", "month: 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week: 8 is out of range 0-7"),
        ("60 * * * * *", "second: 60 is out of range 0-59"),
        ("5-3 * * * *", "minute: range 5-3 is reversed"),
        ("*/0 * * * *", "minute: step 0 in '*/0' must be at least 1"),
        ("1,,2 * * * *", "minute: empty item in list '1,,2'"),
        ("* * * JANUARY *", "month: 'JANUARY' is not a month name or number"),
        ("* * * * MO", "day-of-week: 'MO' is not a weekday name or number"),
        ("* * * * MON#6", "day-of-week: '#6' must be between #1 and #5"),
        ("0 0 30 2 *", "day-of-month: 30 never occurs in February"),
        ("0 0 31 4,6,9,11 *", "day-of-month: 31 never occurs in April, June, September, November"),
        ("* * * *", "expression: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 4"),
        ("@sometimes", "expression: unknown macro '@sometimes'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
    ])
    func parse_badInput_namesFieldAndValue(expr: String, message: String) {
        #expect(throws: RecurrenceError.self) { try CronExpression(expr) }
        do { _ = try CronExpression(expr) } catch { #expect(error.description == message) }
    }

    @Test func parse_neverFiringAndRule_isRejected() throws {
        // Day 1 that is also the fifth Monday: impossible, although each field is valid.
        let error = try #require(throws: RecurrenceError.self) { try CronExpression("0 0 */40 * MON#5") }
        #expect(error.field == "day-of-month")
        #expect(error.message.contains("never fire"))
    }

    @Test(arguments: ["0 0 30 2 MON", "0 0 L 2 *", "0 0 29 2 *", "0 0 LW * *", "0 0 15W * *", "0 12 * * 5L",
                      "0 0 * * MON#2", "@daily", "@HOURLY", " 0  9 * * 1-5 ", "0 0 L/3 * *", "5-5/10 * * * *"])
    func parse_validInput_isAccepted(expr: String) throws {
        _ = try CronExpression(expr)
    }

    @Test func fixedTime_followsDebianRule() throws {
        #expect(try CronExpression("30 2 * * *").isFixedTime)
        #expect(try CronExpression("0-59 0-23 * * *").isFixedTime)
        #expect(try !CronExpression("*/15 2 * * *").isFixedTime)
        #expect(try !CronExpression("0 * * * *").isFixedTime)
        #expect(try !CronExpression("0 30 2 * * *").isFixedTime)
        #expect(try !CronExpression("@hourly").isFixedTime)
        #expect(try CronExpression("@daily").isFixedTime)
    }

    @Test func dayRule_starMeansAnd_otherwiseOr() throws {
        // Odd days that are Mondays (AND), from 2026-06-01.
        let and = try cronFires("0 0 */2 * 1", "UTC", from: "2026-06-01T00:00:00Z", 3)
        #expect(and == ["2026-06-15T00:00:00Z", "2026-06-29T00:00:00Z", "2026-07-13T00:00:00Z"])
        // Day 1 or any Monday (OR).
        let or = try cronFires("0 0 1 * 1", "UTC", from: "2026-06-01T00:00:00Z", 3)
        #expect(or == ["2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z", "2026-06-22T00:00:00Z"])
    }

    @Test func specials_lastDays_nearestWeekday_nth() throws {
        #expect(try cronFires("0 0 L * *", "UTC", from: "2028-01-31T00:00:00Z", 2) == ["2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"])
        // 2026-05-31 is a Sunday: the last weekday is Friday the 29th.
        #expect(try cronFires("0 0 LW 5 *", "UTC", from: "2026-01-01T00:00:00Z", 1) == ["2026-05-29T00:00:00Z"])
        // 2026-08-01 is a Saturday: 1W moves forward to Monday the 3rd; 2026-11-15 is a Sunday: 15W is Monday 16.
        #expect(try cronFires("0 0 1W 8 *", "UTC", from: "2026-01-01T00:00:00Z", 1) == ["2026-08-03T00:00:00Z"])
        #expect(try cronFires("0 0 15W 11 *", "UTC", from: "2026-01-01T00:00:00Z", 1) == ["2026-11-16T00:00:00Z"])
        #expect(try cronFires("0 0 * * MON#2", "UTC", from: "2026-11-01T00:00:00Z", 2) == ["2026-11-09T00:00:00Z", "2026-12-14T00:00:00Z"])
        #expect(try cronFires("0 0 * * 5L", "UTC", from: "2026-11-01T00:00:00Z", 2) == ["2026-11-27T00:00:00Z", "2026-12-25T00:00:00Z"])
        #expect(try cronFires("0 0 * * 7", "UTC", from: "2026-11-24T00:00:00Z", 1) == ["2026-11-29T00:00:00Z"])
    }

    @Test func dst_fixedTime_gapAndRepeat() throws {
        // New York springs forward at 02:00 on 2026-03-08: 02:30 fires at 03:00 EDT.
        #expect(try cronFires("30 2 * * *", "America/New_York", from: "2026-03-07T12:00:00-05:00", 2)
                == ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
        // ... and falls back at 02:00 on 2026-11-01: 01:30 fires once, at its first occurrence.
        #expect(try cronFires("30 1 * * *", "America/New_York", from: "2026-10-31T12:00:00-04:00", 2)
                == ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"])
    }

    @Test func dst_wildcardRule_firesEveryRealInstant() throws {
        let fires = try cronFires("*/30 1-2 * * *", "America/New_York", from: "2026-11-01T00:00:00-04:00", 6)
        #expect(fires == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00",
                          "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00"])
        // Nothing in the skipped hour.
        let spring = try cronFires("*/30 2 * * *", "America/New_York", from: "2026-03-08T00:00:00-05:00", 1)
        #expect(spring == ["2026-03-09T02:00:00-04:00"])
    }

    @Test func lordHowe_fallBack_keepsEveryRealInstant() throws {
        // The reference drops 02:15+10:30 here; the real-instant rule keeps it.
        let fires = try cronFires("15 */2 * * *", "Australia/Lord_Howe", from: "2026-04-04T20:00:00+11:00", 6)
        #expect(fires == ["2026-04-04T20:15:00+11:00", "2026-04-04T22:15:00+11:00", "2026-04-05T00:15:00+11:00",
                          "2026-04-05T02:15:00+10:30", "2026-04-05T04:15:00+10:30", "2026-04-05T06:15:00+10:30"])
    }
}
