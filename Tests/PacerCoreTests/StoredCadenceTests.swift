import Foundation
@testable import PacerCore
import Recurrence
import Testing

/// A claim decodes only the timing of a stored definition; it must fire exactly as the whole
/// definition would (anchor, zone, jitter seeded by the id).
@Suite struct StoredCadenceTests {
    @Test(arguments: ["every 90s", "*/7 * * * *", "0 9 * * MON-FRI", "every 2h"])
    func timingOnly_firesAsTheWholeDefinition(rule: String) throws {
        let created = Date(timeIntervalSince1970: 1_800_000_123)
        let s = Schedule(id: "sch_stored", name: "stored", owner: "test",
                         timing: ScheduleTiming(rule: rule, timezone: "America/New_York", jitterSeconds: 30),
                         target: .http(HTTPTarget(url: "https://example.com/")), createdAt: created)
        let whole = try s.cadence()
        let part = try Schedule.cadence(ofStored: try PacerJSON.encode(s))
        var a = Int64(created.timeIntervalSince1970), b = a
        for _ in 0..<20 {
            let na = try #require(whole.next(after: a)), nb = try #require(part.next(after: b))
            #expect(na == nb)
            #expect(whole.jitterOffset(for: na) == part.jitterOffset(for: nb))
            a = na; b = nb
        }
    }

    @Test func aDefinitionWithoutTiming_isAnError() {
        #expect(throws: (any Error).self) { try Schedule.cadence(ofStored: Data(#"{"id":"x","created_at":"2027-01-01T00:00:00Z"}"#.utf8)) }
    }
}
