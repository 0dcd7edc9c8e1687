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

    static func named(_ name: String, quick: Bool) -> Workload? {
        let q = quick ? 5.0 : 1.0
        switch name {
        case "lateness_1k": return Workload(name: name, schedules: 1_000, rule: "every 1s", warmup: 3, seconds: 20 / q)
        case "sustained_10k_1s": return Workload(name: name, schedules: 10_000, rule: "every 1s", warmup: 3, seconds: 15 / q)
        case "sustained_100k_1s":
            return Workload(name: name, schedules: Int(100_000 / q), rule: "every 1s", warmup: 3, seconds: 15 / q)
        case "sustained_100k_1m":
            return Workload(name: name, schedules: Int(100_000 / q), rule: "every 1m", warmup: 3, seconds: 30 / q)
        case "burst_10k": return Workload(name: name, schedules: Int(10_000 / q), rule: "burst", warmup: 0, seconds: 0)
        case "memory_100k": return Workload(name: name, schedules: Int(100_000 / q), rule: "memory", warmup: 0, seconds: 0)
        default: return nil
        }
    }

    static let all = ["lateness_1k", "sustained_10k_1s", "sustained_100k_1s", "sustained_100k_1m", "burst_10k", "memory_100k"]

    /// The schedules, created at `createdAt`. Every-1m rules get anchors spread over the
    /// minute (one second apart), so fires are spread as on a real system; every-1s rules all
    /// fire at each whole second (Pacer's rules have one-second resolution).
    func definitions(createdAt: Date, burstAt: Date) -> [Schedule] {
        (0..<schedules).map { i in
            let timing: ScheduleTiming
            switch rule {
            case "burst": timing = ScheduleTiming(rule: "once \(PacerJSON.format(burstAt))")
            case "memory": timing = ScheduleTiming(rule: "every 1h")
            case "every 1m":
                timing = ScheduleTiming(rule: "every 1m", anchor: createdAt.addingTimeInterval(Double(i % 60)))
            default: timing = ScheduleTiming(rule: rule)
            }
            return Schedule(id: PacerID.make(.schedule, at: createdAt), name: "bench-\(i)", owner: "bench", timing: timing,
                            target: .http(HTTPTarget(url: "http://127.0.0.1:9/noop")),
                            policies: Policies(misfireGraceSeconds: 3600), createdAt: createdAt)
        }
    }
}
