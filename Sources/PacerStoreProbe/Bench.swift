import Foundation
import PacerCore
import PacerStore

/// Claim rate beside the raw commit rate, on one database, in one process.
///
/// 1. Raw: single-statement write transactions for `--seconds`, one after another.
/// 2. Claims: with `--schedules` schedules all due, `claimDue(batch, start: true)` (claim +
///    advance + record the run, started, in one transaction), then each run is finished (one
///    more transaction). Counted per fire: first the first fire of every schedule (cold: each
///    definition decoded once), then the next fires for `--seconds` (steady state).
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

    /// Claims (started) and finishes every due fire at `now`, for at most `limit` seconds.
    func cycle(now: Date, limit: Double) async throws -> (fires: Int, claims: Int, seconds: Double, inClaims: Double) {
        var fires = 0, claims = 0
        var inClaims = 0.0
        let began = clock.now
        while elapsed(began) < limit {
            let t0 = clock.now
            let runs = try await store.claimDue(now: now, limit: batch, owner: "bench", start: true)
            inClaims += elapsed(t0)
            if runs.isEmpty { break }
            claims += 1
            for run in runs {
                _ = try await store.finishRun(id: run.id, owner: "bench", status: .succeeded, at: now, output: nil, error: nil)
            }
            fires += runs.count
        }
        return (fires, claims, elapsed(began), inClaims)
    }
    // First fire of every schedule: each definition is read and decoded for the first time.
    let cold = try await cycle(now: at, limit: .infinity)
    // The next fire (every schedule is due again a minute later): the steady state of a
    // running engine, with the store's per-revision cadence cache warm.
    let warm = try await cycle(now: at.addingTimeInterval(60), limit: seconds)
    func rate(_ r: (fires: Int, claims: Int, seconds: Double, inClaims: Double)) -> [String: Any] {
        ["fires": r.fires, "fires_per_second": Double(r.fires) / r.seconds,
         "commits_per_fire": Double(r.claims + r.fires) / Double(max(r.fires, 1)),
         "claim_ms_per_fire": 1000 * r.inClaims / Double(max(r.fires, 1)),
         "finish_ms_per_fire": 1000 * (r.seconds - r.inClaims) / Double(max(r.fires, 1))]
    }
    let result: [String: Any] = [
        "schedules": schedules, "batch": batch, "seed_seconds": seedSeconds,
        "raw_transactions_per_second": rawRate, "first_fires": rate(cold), "steady": rate(warm),
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    write(String(decoding: data, as: UTF8.self) + "\n")
}
