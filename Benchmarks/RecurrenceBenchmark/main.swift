// Throughput of `next(after:)`: for each expression of Benchmarks/cron-expressions.json and
// each zone, walks fires forward from 2026-01-01T00:00:00Z and counts calls per second.
// Prints one JSON object: {"pacer": {"<name>|<zone>": calls_per_second, ...}}.
// Run through scripts/bench-recurrence.sh, which builds it in release mode.
import Foundation
import Recurrence

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Benchmarks/cron-expressions.json"
let data = try Data(contentsOf: URL(fileURLWithPath: path))
let cases = try JSONSerialization.jsonObject(with: data) as! [[String: String]]
let zones = ["UTC", "America/New_York"]
let start: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
let minimumSeconds = 0.5
let wrapAt: Int64 = 253_402_300_799  // 9999-12-31: sparse rules restart from `start`, as the peer script does

var results: [String: Double] = [:]
var checksum: Int64 = 0
for c in cases {
    let cron = try CronExpression(c["expr"]!)
    for name in zones {
        let zone = Zone.named(name)!
        var best = 0.0
        for _ in 0..<3 {
            var calls = 0
            var cursor = start
            let clock = ContinuousClock()
            let began = clock.now
            var elapsed = 0.0
            while elapsed < minimumSeconds / 3 {
                for _ in 0..<1000 {
                    guard let fire = cron.next(after: cursor, in: zone) else { cursor = start; continue }
                    cursor = fire > wrapAt ? start : fire
                    checksum &+= fire
                }
                calls += 1000
                let d = clock.now - began
                elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
            best = max(best, Double(calls) / elapsed)
        }
        results["\(c["name"]!)|\(name)"] = best
    }
}
let out = try JSONSerialization.data(withJSONObject: ["pacer": results, "checksum": checksum], options: [.sortedKeys])
FileHandle.standardOutput.write(out + Data("\n".utf8))
