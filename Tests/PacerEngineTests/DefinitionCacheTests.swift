import Foundation
import PacerCore
@testable import PacerEngine
import Testing

@Suite struct DefinitionCacheTests {
    func schedule(_ n: Int) -> Schedule {
        Schedule(id: "sch_\(n)", name: "s\(n)", owner: "test", timing: ScheduleTiming(rule: "every 60s", timezone: "UTC"),
                 target: .http(HTTPTarget(url: "http://127.0.0.1:9/")), createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func keepsAtMostItsCapacity_theOldestLeavingFirst() {
        var cache = DefinitionCache(capacity: 3)
        for n in 0..<5 { cache["sch_\(n)"] = schedule(n) }
        #expect(cache.count == 3)
        #expect(cache["sch_0"] == nil && cache["sch_1"] == nil)
        #expect((2..<5).allSatisfy { cache["sch_\($0)"] != nil })
    }

    @Test func replacingAnEntry_keepsItsPlace_andRemovingOne_freesASlot() {
        var cache = DefinitionCache(capacity: 2)
        cache["sch_0"] = schedule(0)
        cache["sch_1"] = schedule(1)
        var changed = schedule(0)
        changed.revision = 7
        cache["sch_0"] = changed
        #expect(cache.count == 2 && cache["sch_0"]?.revision == 7)
        cache["sch_1"] = nil
        cache["sch_2"] = schedule(2)
        #expect(cache.count == 2 && cache["sch_0"] != nil && cache["sch_2"] != nil)
    }

    @Test func manyMoreSchedulesThanItsCapacity_stayBounded_andReadable() {
        var cache = DefinitionCache(capacity: 1000)
        for n in 0..<50_000 {
            cache["sch_\(n)"] = schedule(n)
            if n % 3 == 0 { cache["sch_\(n)"] = nil }
        }
        #expect(cache.count <= 1000)
        #expect(cache["sch_49999"] != nil)
    }

    @Test func aZeroCapacity_keepsNothing() {
        var cache = DefinitionCache(capacity: 0)
        cache["sch_0"] = schedule(0)
        #expect(cache.count == 0 && cache["sch_0"] == nil)
    }
}
