import Foundation
import PacerCore

/// One benchmark workload: how many schedules, which rule, how long it is measured.
struct Workload {
    var name: String
    var schedules: Int
    /// `every 1s`, `every 1m`, or `burst` (one-shot schedules all due at one instant).
    var rule: String
    var warmup: Double
    var seconds: Double
    /// The engine's definition cache (`pacer serve --definition-cache`): the default, or
    /// enough for every schedule of the saturation run.
    var definitionCache = 16_384

    static func named(_ name: String, quick: Bool) -> Workload? {
        let q = quick ? 5.0 : 1.0
        switch name {
        case "lateness_1k": return Workload(name: name, schedules: 1_000, rule: "every 1s", warmup: 3, seconds: 20 / q)
        case "sustained_10k_1s": return Workload(name: name, schedules: 10_000, rule: "every 1s", warmup: 3, seconds: 15 / q)
        case "sustained_30k_1s":
            return Workload(name: name, schedules: 30_000, rule: "every 1s", warmup: 5, seconds: 15 / q, definitionCache: 32_768)
        case "sustained_100k_1s":
            return Workload(name: name, schedules: Int(100_000 / q), rule: "every 1s", warmup: 3, seconds: 15 / q)
        case "sustained_100k_1m":
            return Workload(name: name, schedules: Int(100_000 / q), rule: "every 1m", warmup: 3, seconds: 30 / q)
        case "burst_10k": return Workload(name: name, schedules: Int(10_000 / q), rule: "burst", warmup: 0, seconds: 0)
        case "memory_100k": return Workload(name: name, schedules: Int(100_000 / q), rule: "memory", warmup: 0, seconds: 0)
        default: return nil
        }
    }

    static let all = ["lateness_1k", "sustained_10k_1s", "sustained_30k_1s", "sustained_100k_1s", "sustained_100k_1m",
                      "burst_10k", "memory_100k"]

    /// The schedules, created at `createdAt`. Every-1m rules get anchors spread over the
    /// minute (one second apart); every rule has `jitter: 1`, which spreads each schedule's
    /// fires over the second by a fixed per-schedule offset (rules have one-second
    /// resolution; jitter is how Pacer spreads fires within a second), as the peer's start
    /// dates are staggered. Lateness is measured from the jittered instant.
    func definitions(createdAt: Date, firstFire: Date, burstAt: Date) -> [Schedule] {
        (0..<schedules).map { i in
            let timing: ScheduleTiming
            switch rule {
            case "burst": timing = ScheduleTiming(rule: "once \(PacerJSON.format(burstAt))")
            case "memory": timing = ScheduleTiming(rule: "every 1h")
            case "every 1m":
                timing = ScheduleTiming(rule: "every 1m", anchor: firstFire.addingTimeInterval(Double(i % 60)),
                                        startsAt: firstFire, jitterSeconds: 1)
            default: timing = ScheduleTiming(rule: rule, startsAt: firstFire, jitterSeconds: 1)
            }
            return Schedule(id: PacerID.make(.schedule, at: createdAt), name: "bench-\(i)", owner: "bench", timing: timing,
                            target: .http(HTTPTarget(url: "http://127.0.0.1:9/noop")),
                            policies: Policies(misfireGraceSeconds: 3600), createdAt: createdAt)
        }
    }
}
