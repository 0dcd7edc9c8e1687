import Foundation
import Testing
@testable import Recurrence

@Suite struct ZoneTests {
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham",
                      "America/St_Johns", "Pacific/Apia", "Asia/Kathmandu", "America/Havana", "UTC"])
    func offsets_matchFoundation(name: String) throws {
        let z = try #require(Zone.named(name))
        let tz = try #require(TimeZone(identifier: name))
        var t: Int64 = 946_684_800  // 2000-01-01
        while t < 2_524_608_000 {  // 2050-01-01
            #expect(z.offset(at: t) == Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))), "\(name) at \(t)")
            t += 86_400 * 3 + 3_607
        }
    }

    @Test func named_unknown_isNil() {
        #expect(Zone.named("Mars/Base") == nil)
        #expect(Zone.named("") == nil)
    }

    @Test func resolveFirst_gapAndRepeat() throws {
        let ny = zone("America/New_York")
        // 02:30 on 2026-03-08 does not exist: first real minute after the gap is 03:00 EDT.
        let gap = Civil.seconds(year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0)
        #expect(utc(ny.resolveFirst(gap)) == "2026-03-08T07:00:00Z")
        // 01:30 on 2026-11-01 happens twice: the first is EDT.
        let twice = Civil.seconds(year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0)
        #expect(utc(ny.resolveFirst(twice)) == "2026-11-01T05:30:00Z")
    }

    @Test func timestamp_roundTrips() {
        #expect(Timestamp.parse("2026-12-24T18:00:00+01:00") == 1_798_131_600)
        #expect(Timestamp.parse("2026-12-24T17:00:00Z") == 1_798_131_600)
        #expect(Timestamp.parse("2026-12-24 17:00:00.250Z") == 1_798_131_600)
        #expect(Timestamp.parse("2026-02-30T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-12-24T18:00:00") == nil)
        #expect(Timestamp.format(1_798_131_600, in: zone("Europe/Berlin")) == "2026-12-24T18:00:00+01:00")
        #expect(Timestamp.format(1_798_131_600, in: .utc) == "2026-12-24T17:00:00Z")
    }
}
