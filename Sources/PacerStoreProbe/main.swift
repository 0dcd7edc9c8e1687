// pacer-store-probe: drives a Pacer store from its own process, for tests that need several
// processes on one database or a process killed in the middle of a claim.
//
//   pacer-store-probe seed  --database URL --count N --at ISO8601 [--prefix P] [--parallel K]
//   pacer-store-probe claim --database URL --owner NAME --now ISO8601 [--batch N] [--finish]
//                           [--start-at UNIX_MS]   (wait until then, so several processes race)
//   pacer-store-probe bench --database URL [--schedules N] [--batch N] [--seconds S] [--parallel K]
//
// `seed` creates N schedules ("every 1m", anchored so their first fire is exactly --at).
// `claim` calls claimDue(now) until it returns nothing, printing one line per claimed run:
// `run <schedule id> <scheduled instant in ms>`; with --finish each run is also started and
// finished (succeeded). Lines are written unbuffered, batch by batch.
import Foundation
import PacerCore
import PacerStore
import PacerStoreURL
import Recurrence

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("pacer-store-probe: \(message)\n".utf8))
    exit(2)
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func instant(_ text: String?, _ name: String) -> Date {
    guard let text, let v = Timestamp.parse(text) else { fail("\(name): expected an RFC 3339 instant") }
    return Date(timeIntervalSince1970: Double(v))
}

func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// A schedule whose first fire is `at`: created one second before, anchored at `at`.
func probeSchedule(_ name: String, at: Date) -> Schedule {
    Schedule(
        id: PacerID.make(.schedule, at: at), name: name, owner: "probe",
        timing: ScheduleTiming(rule: "every 1m", anchor: at),
        target: .http(HTTPTarget(url: "http://127.0.0.1:9/probe")),
        createdAt: at.addingTimeInterval(-1))
}

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else { fail("usage: pacer-store-probe seed|claim ...") }
guard let url = option("--database", in: args) else { fail("--database is required") }
let store = try await openStore(url)

switch command {
case "seed":
    let count = Int(option("--count", in: args) ?? "") ?? 0
    let at = instant(option("--at", in: args), "--at")
    let prefix = option("--prefix", in: args) ?? "probe"
    let parallel = max(1, Int(option("--parallel", in: args) ?? "1") ?? 1)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<parallel {
            group.addTask {
                for i in stride(from: worker, to: count, by: parallel) {
                    _ = try await store.createSchedule(probeSchedule("\(prefix)-\(i)", at: at), author: "probe")
                }
            }
        }
        try await group.waitForAll()
    }
    write("seeded \(count)\n")
case "claim":
    guard let owner = option("--owner", in: args) else { fail("--owner is required") }
    let now = instant(option("--now", in: args), "--now")
    let batch = Int(option("--batch", in: args) ?? "100") ?? 100
    let finish = args.contains("--finish")
    if let startAt = option("--start-at", in: args).flatMap(Double.init) {
        let wait = startAt / 1000 - Date().timeIntervalSince1970
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
    }
    while true {
        write("begin\n")  // a kill before the next line lands inside this claim
        let runs = try await store.claimDue(now: now, limit: batch, owner: owner)
        if runs.isEmpty { break }
        if finish {
            for run in runs {
                _ = try await store.startRun(id: run.id, owner: owner, at: now)
                _ = try await store.finishRun(id: run.id, owner: owner, status: .succeeded, at: now, output: nil, error: nil)
            }
        }
        write(runs.map { "run \($0.scheduleID) \(Int64(($0.scheduledAt.timeIntervalSince1970 * 1000).rounded()))\n" }.joined())
    }
case "bench":
    try await bench(store, args)
default:
    fail("unknown command '\(command)'")
}
try await store.close()
