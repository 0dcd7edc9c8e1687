import Testing
@testable import Recurrence

/// The human rule syntax, interval and calendar rules, bounds and jitter.
@Suite struct RuleTests {
    func fires(_ text: String, _ tz: String = "UTC", from: String, _ n: Int = 4,
               startsAt: String? = nil, endsAt: String? = nil, maxFires: Int? = nil) throws -> [String] {
        let z = zone(tz)
        let cadence = try Cadence(rule: try Rule.parse(text), zone: z, anchor: instant(from),
                                  startsAt: startsAt.map(instant), endsAt: endsAt.map(instant), maxFires: maxFires)
        return cadence.fires(after: instant(from)).prefix(n).map { Timestamp.format($0.scheduledAt, in: z) }
    }

    @Test func every_seconds_minutes_hours() throws {
        #expect(try fires("every 90s", from: "2026-01-01T00:00:00Z", 3)
                == ["2026-01-01T00:01:30Z", "2026-01-01T00:03:00Z", "2026-01-01T00:04:30Z"])
        #expect(try fires("every 15m", from: "2026-01-01T00:00:10Z", 2) == ["2026-01-01T00:15:10Z", "2026-01-01T00:30:10Z"])
        #expect(try fires("every 2 hours", from: "2026-01-01T00:00:00Z", 1) == ["2026-01-01T02:00:00Z"])
    }

    @Test func every_compoundOrFractional_isOneInterval_asTheEveryShorthandReadsIt() throws {
        #expect(try Rule.parse("every 1m30s") == .interval(seconds: 90))
        #expect(try Rule.parse("every 1.5h") == .interval(seconds: 5400))
        #expect(try Rule.parse("every 2h15m") == .interval(seconds: 8100))
        #expect(try fires("every 1m30s", from: "2026-01-01T00:00:00Z", 2) == ["2026-01-01T00:01:30Z", "2026-01-01T00:03:00Z"])
        #expect(throws: RecurrenceError.self) { try Rule.parse("every 0.5s") }
        #expect(throws: RecurrenceError.self) { try Rule.parse("every 1m30s at 09:00") }
        #expect(throws: RecurrenceError.self) { try Rule.parse("every 1.5w") }
    }

    @Test func interval_isRealTime_acrossDST() throws {
        // Every hour in New York across the spring-forward gap: one hour of real time apart.
        #expect(try fires("every 1h", "America/New_York", from: "2026-03-08T01:00:00-05:00", 2)
                == ["2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"])
    }

    @Test func interval_keepsAnchorPhase() throws {
        let c = try Cadence(rule: .interval(seconds: 900), anchor: instant("2026-01-01T00:05:00Z"))
        #expect(c.next(after: instant("2026-03-01T10:07:00Z")).map(utc) == "2026-03-01T10:20:00Z")
        #expect(c.previous(before: instant("2026-03-01T10:20:00Z")).map(utc) == "2026-03-01T10:05:00Z")
        // Before the anchor the grid goes on backwards; bounds, not the anchor, limit it.
        #expect(c.next(after: instant("2025-12-31T23:59:00Z")).map(utc) == "2026-01-01T00:05:00Z")
    }

    @Test func daily_keepsWallClock_acrossDST() throws {
        #expect(try fires("every day at 09:00", "Europe/Berlin", from: "2026-03-28T10:00:00+01:00", 2)
                == ["2026-03-29T09:00:00+02:00", "2026-03-30T09:00:00+02:00"])
        // 02:30 does not exist in Berlin on 2026-03-29: it fires when the clock jumps.
        #expect(try fires("every day at 02:30", "Europe/Berlin", from: "2026-03-28T10:00:00+01:00", 2)
                == ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"])
        // 02:30 happens twice on 2026-10-25: it fires once.
        #expect(try fires("every day at 02:30", "Europe/Berlin", from: "2026-10-24T10:00:00+02:00", 2)
                == ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"])
    }

    @Test func everyNDays_multipleTimes() throws {
        #expect(try fires("every 2 days at 09:00,18:00", from: "2026-01-01T10:00:00Z", 3)
                == ["2026-01-01T18:00:00Z", "2026-01-03T09:00:00Z", "2026-01-03T18:00:00Z"])
    }

    @Test func everyTwoWeeks_onWeekdays() throws {
        // Anchor Thursday 2026-01-01 (week of Monday 2025-12-29).
        #expect(try fires("every 2 weeks on mon,thu at 18:30", from: "2026-01-01T00:00:00Z", 4)
                == ["2026-01-01T18:30:00Z", "2026-01-12T18:30:00Z", "2026-01-15T18:30:00Z", "2026-01-26T18:30:00Z"])
        #expect(try fires("every weekday at 09:00", from: "2026-01-02T10:00:00Z", 2)
                == ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"])
        #expect(try fires("every friday at 17:00", from: "2026-01-01T00:00:00Z", 1) == ["2026-01-02T17:00:00Z"])
        #expect(try fires("every Tue, Thu and Sat at 07:15", from: "2026-01-01T00:00:00Z", 3)
                == ["2026-01-01T07:15:00Z", "2026-01-03T07:15:00Z", "2026-01-06T07:15:00Z"])
    }

    @Test func monthly_clampsToMonthEnd() throws {
        #expect(try fires("every month on day 31 at 08:00", from: "2026-01-01T00:00:00Z", 4)
                == ["2026-01-31T08:00:00Z", "2026-02-28T08:00:00Z", "2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z"])
        #expect(try fires("every 3 months on day 29", from: "2027-11-15T00:00:00Z", 2)
                == ["2027-11-29T00:00:00Z", "2028-02-29T00:00:00Z"])
    }

    @Test func once_firesOnce() throws {
        #expect(try fires("once 2026-12-24T18:00:00+01:00", "Europe/Berlin", from: "2026-01-01T00:00:00Z", 3)
                == ["2026-12-24T18:00:00+01:00"])
        #expect(try fires("once 2026-12-24T18:00:00+01:00", from: "2027-01-01T00:00:00Z", 3) == [])
    }

    @Test(arguments: [
        ("every", "every"), ("every 0s", "every"), ("every 15", "every"), ("every 5 fortnights", "every"),
        ("every 15m at 09:00", "at"), ("every day at 25:00", "at"), ("every day at 9", "at"),
        ("every week at 09:00", "on"), ("every week on funday", "on"), ("every month on day 32", "day"),
        ("every month on the 3rd", "on"), ("once tomorrow", "once"), ("once 2026-12-24T18:00:00", "once"),
        ("every day at 09:00 please", "at"), ("every day on monday", "on"), ("every day 09:00", "rule"), ("every 99999999999h", "every"),
    ])
    func text_badInput_namesField(text: String, field: String) {
        do {
            _ = try Rule.parse(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.field == field, "\(text): \(error)")
        }
    }

    @Test func bounds_startsEndsMaxFires() throws {
        #expect(try fires("every 1h", from: "2026-01-01T00:00:00Z", 5, startsAt: "2026-01-01T03:30:00Z")
                == ["2026-01-01T04:00:00Z", "2026-01-01T05:00:00Z", "2026-01-01T06:00:00Z", "2026-01-01T07:00:00Z", "2026-01-01T08:00:00Z"])
        #expect(try fires("0 * * * *", from: "2026-01-01T00:00:00Z", 5, endsAt: "2026-01-01T02:00:00Z")
                == ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        #expect(try fires("0 * * * *", from: "2025-12-31T20:00:00Z", 5, startsAt: "2026-01-01T00:00:00Z", maxFires: 3)
                == ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        // Asking later counts the fires already made.
        let c = try Cadence(rule: try Rule.parse("0 * * * *"), startsAt: instant("2026-01-01T00:00:00Z"), maxFires: 3)
        #expect(c.next(after: instant("2026-01-01T01:00:00Z")).map(utc) == "2026-01-01T02:00:00Z")
        #expect(c.next(after: instant("2026-01-01T02:00:00Z")) == nil)
        #expect(c.next(after: instant("2026-01-01T00:30:00Z"), firedCount: 3) == nil)
        #expect(throws: RecurrenceError.self) {
            try Cadence(rule: .interval(seconds: 60), startsAt: 100, endsAt: 50)
        }
        #expect(throws: RecurrenceError.self) { try Cadence(rule: .interval(seconds: 60), maxFires: 0) }
    }

    @Test func jitter_isDeterministicAndBounded() throws {
        let a = try Cadence(rule: .interval(seconds: 60), jitter: 30, jitterSeed: Cadence.seed(for: "sched-1"))
        let b = try Cadence(rule: .interval(seconds: 60), jitter: 30, jitterSeed: Cadence.seed(for: "sched-2"))
        var offsets: Set<Double> = []
        for fire in a.fires(after: 0).prefix(500) {
            let offset = fire.firesAt - Double(fire.scheduledAt)
            #expect(offset >= 0 && offset < 30)
            #expect(fire.firesAt == Double(fire.scheduledAt) + a.jitterOffset(for: fire.scheduledAt))
            offsets.insert(offset)
        }
        #expect(offsets.count > 400)  // spread, not constant
        #expect((0..<50).contains { a.jitterOffset(for: Int64($0) * 60) != b.jitterOffset(for: Int64($0) * 60) })
    }

    @Test(arguments: [
        ("0 9 * * 1-5", "At 09:00, Monday through Friday"),
        ("* * * * *", "Every minute"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("0 * * * *", "Every hour"),
        ("5 * * * *", "At minute 5 past the hour"),
        ("0 0 1 * *", "At 00:00, on day 1 of the month"),
        ("0 0 L * *", "At 00:00, on the last day of the month"),
        ("0 12 * * 5L", "At 12:00, on the last Friday of the month"),
        ("0 8 * * MON#2", "At 08:00, on the second Monday of the month"),
        ("30 9,17 * * *", "At 09:30 and 17:30"),
        ("0 0 1 1 *", "At 00:00, on day 1 of the month, in January"),
        ("*/10 9-17 * * 1-5", "Every 10 minutes, between 09:00 and 17:50, Monday through Friday"),
        ("0 0 * * 6,0", "At 00:00, on Saturday and Sunday"),
        ("0 0 */2 * 1", "At 00:00, on every 2nd day of the month, only if it is Monday"),
        ("@daily", "At 00:00"),
        ("every 90s", "Every 90 seconds"),
        ("every 15m", "Every 15 minutes"),
        ("every day at 09:00", "Every day at 09:00"),
        ("every 2 weeks on mon,thu at 18:30", "Every 2 weeks on Monday and Thursday at 18:30"),
        ("every month on day 31 at 08:00", "Every month on day 31 (the last day in shorter months) at 08:00"),
    ])
    func describe_readsAsEnglish(text: String, sentence: String) throws {
        #expect(try Rule.parse(text).describe() == sentence)
    }
}
