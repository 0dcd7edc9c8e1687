import Foundation
import PacerCore
import PacerStore

/// Claim rate beside the raw commit rate, on one database, in one process.
///
/// 1. Raw: single-statement write transactions for `--seconds`, one after another.
/// 2. Claims: with `--schedules` schedules all due, `claimDue(batch)` (claim + advance +
///    record run in one transaction), then each run is started and finished (two more
///    transactions), for `--seconds`. Counted per fire.
/// Prints one JSON object.
func bench(_ store: any Store, _ args: [String]) async throws {
    guard let diagnostics = store as? any StoreDiagnostics else { fail("this store has no diagnostics") }
    let schedules = Int(option("--schedules", in: args) ?? "100000") ?? 100_000
    let batch = Int(option("--batch", in: args) ?? "100") ?? 100
    let seconds = Double(option("--seconds", in: args) ?? "5") ?? 5
    let parallel = max(1, Int(option("--parallel", in: args) ?? "4") ?? 4)
    let at = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    let clock = ContinuousClock()
    func elapsed(_ since: ContinuousClock.Instant) -> Double {
        let d = clock.now - since
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // Seed (not timed): schedules due at `at`.
    let existing = try await store.states().count
    let seedStart = clock.now
    if existing < schedules {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<parallel {
                group.addTask {
                    for i in stride(from: existing + worker, to: schedules, by: parallel) {
                        _ = try await store.createSchedule(probeSchedule("bench-\(i)", at: at), author: "bench")
                    }
                }
            }
            try await group.waitForAll()
        }
    }
    let seedSeconds = elapsed(seedStart)

    try await diagnostics.prepareRawTransactions()
    var raw = 0
    let rawStart = clock.now
    while elapsed(rawStart) < seconds {
        try await diagnostics.rawTransaction()
        raw += 1
    }
    let rawRate = Double(raw) / elapsed(rawStart)

    var fires = 0, claims = 0
    let claimStart = clock.now
    while elapsed(claimStart) < seconds {
        let runs = try await store.claimDue(now: at, limit: batch, owner: "bench")
        if runs.isEmpty { break }
        claims += 1
        for run in runs {
            _ = try await store.startRun(id: run.id, owner: "bench", at: at)
            _ = try await store.finishRun(id: run.id, owner: "bench", status: .succeeded, at: at, output: nil, error: nil)
        }
        fires += runs.count
    }
    let claimSeconds = elapsed(claimStart)
    let result: [String: Any] = [
        "schedules": schedules, "batch": batch, "seed_seconds": seedSeconds,
        "raw_transactions_per_second": rawRate,
        "fires_per_second": Double(fires) / claimSeconds, "fires": fires, "claim_transactions": claims,
        "commits_per_fire": Double(claims + 2 * fires) / Double(max(fires, 1)),
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    write(String(decoding: data, as: UTF8.self) + "\n")
}
