import Testing
@testable import Recurrence

/// Randomised checks of calendar and interval rules in zones with unusual DST changes.
@Suite struct CalendarPropertyTests {
    /// A small deterministic generator, so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
                        "America/St_Johns", "America/Havana", "Pacific/Apia", "Asia/Kathmandu", "UTC"]

    @Test(arguments: zones)
    func calendar_nextAndPrevious_agree_andKeepWallClock(name: String) throws {
        var rng = SplitMix(state: UInt64(name.utf8.count) * 7919)
        let z = zone(name)
        for _ in 0..<300 {
            let unit = [CalendarRule.Unit.day, .week, .month].randomElement(using: &rng)!
            let times = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                Int.random(in: 0..<24, using: &rng) * 3600 + [0, 15, 30, 45].randomElement(using: &rng)! * 60
            }
            let rule = try CalendarRule(unit: unit, every: Int.random(in: 1...4, using: &rng),
                                        weekdays: UInt8.random(in: 1...127, using: &rng),
                                        dayOfMonth: Int.random(in: 1...31, using: &rng), times: times)
            // Instants from 2011 to 2031.
            let anchor = Int64.random(in: 1_293_840_000...1_924_992_000, using: &rng)
            let from = anchor + Int64.random(in: 0...(400 * 86_400), using: &rng)
            var fires: [Int64] = []
            var cursor = from
            for _ in 0..<6 {
                let f = rule.next(after: cursor, in: z, anchor: anchor)
                #expect(f > cursor)
                fires.append(f)
                cursor = f
            }
            for k in 1..<fires.count {
                #expect(rule.previous(before: fires[k], in: z, anchor: anchor) == fires[k - 1],
                        "\(rule) \(name) anchor \(utc(anchor)) fires \(fires.map(utc))")
            }
            for f in fires {
                // The fire's wall-clock time is one of the rule's times, unless the time was
                // skipped by a forward jump (then it is the first minute after the jump).
                let wall = z.wall(f)
                let tod = Int(wall - Civil.floorDiv(wall, 86_400) * 86_400)
                let inGap = z.offset(at: f - 1) < z.offset(at: f)
                #expect(rule.times.contains(tod) || inGap, "\(rule) \(name): \(Timestamp.format(f, in: z))")
                #expect(rule.firesOn(day: Int(Civil.floorDiv(wall, 86_400)), anchorDay: Int(Civil.floorDiv(z.wall(anchor), 86_400))) || inGap)
            }
        }
    }

    @Test func interval_nextAndPrevious_stayOnGrid() {
        var rng = SplitMix(state: 42)
        for _ in 0..<2000 {
            let n = Int64.random(in: 1...100_000, using: &rng)
            let anchor = Int64.random(in: -1_000_000_000...2_000_000_000, using: &rng)
            let t = Int64.random(in: -1_000_000_000...2_000_000_000, using: &rng)
            let rule = Rule.interval(seconds: n)
            let next = rule.next(after: t, in: .utc, anchor: anchor)!
            let prev = rule.previous(before: t, in: .utc, anchor: anchor)!
            #expect(next > t && next - t <= n)
            #expect(prev < t && t - prev <= n)
            #expect((next - anchor) % n == 0 && (prev - anchor) % n == 0)
        }
    }
}
