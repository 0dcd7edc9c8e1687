import Foundation
import GRDB
import PacerCore
import PacerEngine
import PacerSQLite
import PacerStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Pacer's engine on SQLite with a no-op target: lateness, sustained fires per second, a
/// burst, memory per schedule. One workload per process; prints one JSON line.
///
/// Usage: EngineBenchmark WORKLOAD [--quick] [--dir DIR]

/// A target that does nothing but note how late it started.
final class NoopRunner: Runner {
    struct Sample { var scheduledAt: Double; var startedAt: Double }
    let samples = Mutex<[Sample]>([])
    init(capacity: Int) { samples.withLock { $0.reserveCapacity(capacity) } }
    func run(_ request: RunRequest) async -> RunOutcome {
        let now = Date().timeIntervalSince1970
        samples.withLock { $0.append(Sample(scheduledAt: request.run.firesAt.timeIntervalSince1970, startedAt: now)) }
        return RunOutcome(status: .succeeded)
    }
}

@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32

func residentBytes() -> Int {
    _ = mallocTrim(0)
    // Anonymous resident memory: the process's own heap, not the database file mapped into it.
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
          let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kb * 1024
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func log(_ text: String) { FileHandle.standardError.write(Data("[pacer-bench] \(text)\n".utf8)) }

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let workload = Workload.named(name, quick: args.contains("--quick")) else {
    log("usage: EngineBenchmark \(Workload.all.joined(separator: "|")) [--quick] [--dir DIR]")
    exit(2)
}
let dirArg = args.firstIndex(of: "--dir").map { args[$0 + 1] } ?? NSTemporaryDirectory()
let dir = URL(fileURLWithPath: dirArg).appendingPathComponent("pacer-engine-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let path = dir.appendingPathComponent("bench.db").path
let store = try SQLiteStore(path: path)

// Seed (not timed): schedules created now, whose first fires come after the seeding.
let seedStart = Date()
let createdAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
// Fires begin once seeding is expected to be over (about 6,000 schedules/s here).
let firstFire = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2 + Double(workload.schedules) / 4000).rounded(.up))
let burstAt = firstFire.addingTimeInterval(2)
let definitions = workload.definitions(createdAt: createdAt, firstFire: firstFire, burstAt: burstAt)
for chunk in stride(from: 0, to: definitions.count, by: 5000) {
    try await store.createSchedules(Array(definitions[chunk..<min(chunk + 5000, definitions.count)]), author: "bench")
}
log("\(workload.name): seeded \(definitions.count) schedules in \(String(format: "%.1f", Date().timeIntervalSince(seedStart))) s")

let runner = NoopRunner(capacity: 2_000_000)
let memoryBefore = residentBytes()
var configuration = Engine.Configuration(maxConcurrent: 10_000, claimBatch: 1000, finishBatch: 2000,
                                         definitionCacheSize: workload.definitionCache)
// Tuning experiments: the claim slice and the start batch.
if let slice = ProcessInfo.processInfo.environment["PACER_BENCH_CLAIM_SLICE"].flatMap(Int.init) { configuration.claimSlice = slice }
if let batch = ProcessInfo.processInfo.environment["PACER_BENCH_START_BATCH"].flatMap(Int.init) { configuration.startBatch = batch }
let engine = Engine(store: store, runners: Runners(byKind: [.http: runner]), configuration: configuration)
if workload.rule == "memory" {
    // Load the engine's view of every schedule (definitions, cadences, heap) and measure.
    await engine.step()
    let grown = residentBytes() - memoryBefore
    emit(["system": "pacer-sqlite", "workload": workload.name, "schedules": workload.schedules,
          "bytes_per_schedule": Double(grown) / Double(workload.schedules), "seconds": NSNull(), "fires": NSNull(),
          "fires_per_s": NSNull(), "lateness_ms": NSNull(), "burst_all_started_s": NSNull(),
          "note": "engine RSS growth after loading every schedule (the database file is on disk, not counted)"])
    exit(0)
}

let loop = Task { try await engine.run() }
let start = Date()
if start > firstFire { log("seeding ran past the first fire by \(start.timeIntervalSince(firstFire)) s") }
if workload.rule == "burst" {
    while runner.samples.withLock({ $0.count }) < workload.schedules,
          Date() < burstAt.addingTimeInterval(60) {
        try await Task.sleep(for: .milliseconds(5))
    }
    let samples = runner.samples.withLock { $0 }
    let last = samples.map(\.startedAt).max() ?? .nan
    log("burst at \(burstAt.timeIntervalSince1970); fires_at \(samples.map(\.scheduledAt).min() ?? 0)...\(samples.map(\.scheduledAt).max() ?? 0); started \(samples.map(\.startedAt).min() ?? 0)...\(last)")
    let lateness = samples.map { ($0.startedAt - $0.scheduledAt) * 1000 }.sorted()
    engine.stop()
    try await loop.value
    emit(["system": "pacer-sqlite", "workload": workload.name, "schedules": workload.schedules,
          "burst_all_started_s": last - burstAt.timeIntervalSince1970, "fires": samples.count,
          "lateness_ms": ["p50": percentile(lateness, 0.5), "p99": percentile(lateness, 0.99), "max": lateness.last ?? .nan],
          "seconds": NSNull(), "fires_per_s": NSNull(), "bytes_per_schedule": NSNull(),
          "note": "\(workload.schedules) one-shot schedules due at one instant; seconds from it until the last started"])
    exit(0)
}

let windowStart = max(start, firstFire).timeIntervalSince1970 + workload.warmup
let windowEnd = windowStart + workload.seconds
try await Task.sleep(for: .seconds(windowEnd - Date().timeIntervalSince1970 + 0.5))
engine.stop()
try await loop.value
let inWindow = runner.samples.withLock { $0.filter { $0.startedAt >= windowStart && $0.startedAt < windowEnd } }
let lateness = inWindow.map { ($0.startedAt - $0.scheduledAt) * 1000 }.sorted()
if let dump = ProcessInfo.processInfo.environment["PACER_BENCH_SAMPLES"] {
    // Each fire's instant and lateness, for finding when late starts happen.
    let lines = inWindow.map { String(format: "%.4f %.3f", $0.scheduledAt, ($0.startedAt - $0.scheduledAt) * 1000) }
    try lines.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8)
}
log("created \(createdAt.timeIntervalSince1970) start \(start.timeIntervalSince1970) window fires_at \(inWindow.map(\.scheduledAt).min() ?? 0)...\(inWindow.map(\.scheduledAt).max() ?? 0)")
// Durability: every fire the runner saw is a finished run in the database.
let pool = try DatabasePool(path: path)
let finished = try await pool.read { db in
    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'") ?? 0
}
let executed = runner.samples.withLock { $0.count }
let asked: Double = workload.rule == "every 1s" ? Double(workload.schedules) : Double(workload.schedules) / 60
emit(["system": "pacer-sqlite", "workload": workload.name, "schedules": workload.schedules, "seconds": workload.seconds,
      "fires": inWindow.count, "fires_per_s": Double(inWindow.count) / workload.seconds,
      "lateness_ms": ["p50": percentile(lateness, 0.5), "p99": percentile(lateness, 0.99), "max": lateness.last ?? .nan],
      "burst_all_started_s": NSNull(), "bytes_per_schedule": NSNull(),
      "note": "asked \(Int(asked)) fires/s; \(finished) of \(executed) executed runs durably finished in SQLite"])
