import Foundation
import PacerCore
import PacerSQLite
import PacerStore
import PacerStoreURL
import Recurrence
import Testing

/// Claims from several processes and connections on one database, and processes killed in
/// the middle of a claim. Uses the real `pacer-store-probe` binary.
@Suite(.serialized) struct MultiProcessClaimTests {
    static let at = "2026-01-01T00:00:00Z"
    static var atDate: Date { Date(timeIntervalSince1970: Double(Timestamp.parse(at)!)) }

    func tempSQLite() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pacer-mp-\(UUID().uuidString).db").path
    }

    func seed(_ url: String, _ count: Int) async throws {
        let p = try ProbeProcess(["seed", "--database", url, "--count", "\(count)", "--at", Self.at, "--parallel", "4"])
        let status = try await p.wait(timeout: 300)
        #expect(status == 0, "seed failed: \(p.errors)")
    }

    @Test func sqlite_twoProcessesAndSixConnections_claimEachFireOnce() async throws {
        let path = tempSQLite()
        let count = 10_000
        try await seed(path, count)
        // Two other processes and six connections in this one: eight claimers starting together.
        let startAt = Date().addingTimeInterval(4)
        let gate = ["--start-at", "\(Int64(startAt.timeIntervalSince1970 * 1000))"]
        let a = try ProbeProcess(["claim", "--database", path, "--owner", "proc-a", "--now", Self.at, "--batch", "25"] + gate)
        let b = try ProbeProcess(["claim", "--database", path, "--owner", "proc-b", "--now", Self.at, "--batch", "25"] + gate)
        let local = try await withThrowingTaskGroup(of: [String].self) { group in
            for owner in (1...6).map({ "conn-\($0)" }) {
                group.addTask {
                    let store = try SQLiteStore(path: path)
                    // The processes get a head start of half a second, then all eight race.
                    try await Task.sleep(for: .milliseconds(max(0, Int(startAt.timeIntervalSinceNow * 1000) + 500)))
                    var claimed: [String] = []
                    while true {
                        let runs = try await store.claimDue(now: Self.atDate, limit: 25, owner: owner)
                        if runs.isEmpty { break }
                        claimed += runs.map { "\($0.scheduleID) \(Int64(($0.scheduledAt.timeIntervalSince1970 * 1000).rounded()))" }
                    }
                    try await store.close()
                    return claimed
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(try await a.wait() == 0, "\(a.errors)")
        #expect(try await b.wait() == 0, "\(b.errors)")
        let all = a.claimed + b.claimed + local
        #expect(all.count == count, "claimed \(all.count) fires for \(count) due")
        #expect(Set(all).count == all.count, "double claims: \(all.count - Set(all).count)")
        // Work really was shared: at least two of the three participants claimed fires. Which
        // ones is up to the machine: SQLite's busy wait is not fair (a waiter can be starved
        // while others hold the lock), and a busy test process can start its connections late.
        let participants = [a.claimed.count, b.claimed.count, local.count]
        #expect(participants.filter { $0 > 0 }.count >= 2,
                "claims per participant: process a \(a.claimed.count), process b \(b.claimed.count), this process \(local.count)")
        let store = try SQLiteStore(path: path)
        #expect(try await store.activeRuns(scheduleID: nil).count == count)
        try await store.close()
    }

    @Test func sqlite_newFileOpenedByFourProcessesAtOnce_migratesOnce() async throws {
        let path = tempSQLite()
        let processes = try (0..<4).map {
            try ProbeProcess(["seed", "--database", path, "--count", "5", "--at", Self.at, "--prefix", "p\($0)"])
        }
        for p in processes {
            #expect(try await p.wait() == 0, "a process failed to open the new file: \(p.errors)")
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.schedules().count == 20)
        try await store.close()
    }

    /// A write by another process wakes `changes()` within a second.
    func changeSignal_fromAnotherProcess(_ url: String) async throws {
        let store = try await openStore(url)
        let changes = store.changes()
        let woke = Task { () -> Date? in
            for await _ in changes { return Date() }
            return nil
        }
        try await Task.sleep(for: .milliseconds(300))  // let the subscription settle (LISTEN, first poll)
        let writer = try ProbeProcess(["seed", "--database", url, "--count", "1", "--at", Self.at, "--prefix", "other"])
        #expect(try await writer.wait() == 0, "\(writer.errors)")
        let exited = Date()
        let timeout = Task { try await Task.sleep(for: .seconds(3)); woke.cancel() }
        let at = await woke.value
        timeout.cancel()
        let wokeAt = try #require(at, "no change signal within 3 s of the other process's write")
        #expect(wokeAt.timeIntervalSince(exited) < 1.0, "signal came \(wokeAt.timeIntervalSince(exited)) s after the write")
        try await store.close()
    }

    @Test func sqlite_writeByAnotherProcess_wakesChangesWithinASecond() async throws {
        let path = tempSQLite()
        _ = try SQLiteStore(path: path)  // create and migrate first
        try await changeSignal_fromAnotherProcess(path)
    }

    @Test func postgres_writeByAnotherProcess_wakesChangesWithinASecond() async throws {
        guard let url = try await freshPostgresDatabase() else { return }
        try await changeSignal_fromAnotherProcess(url)
    }

    /// Kills a claiming process at several moments and checks after each that every
    /// schedule is either untouched or fully claimed (run recorded and next fire advanced).
    func killMidClaim(_ url: String) async throws {
        let count = 10_000
        try await seed(url, count)
        let due = Self.atDate, advanced = Self.atDate.addingTimeInterval(60)
        var killedInsideClaim = 0
        for round in 0..<8 where killedInsideClaim < 3 {
            let p = try ProbeProcess(["claim", "--database", url, "--owner", "victim-\(round)", "--now", Self.at, "--batch", "700"])
            // Let it get going, then kill it at a different point each round.
            try await Task.sleep(for: .milliseconds(40 + 35 * round))
            p.kill()
            _ = try await p.wait()
            if p.output.hasSuffix("begin\n") { killedInsideClaim += 1 }
            let store = try await openStore(url)
            let runs = try await store.activeRuns(scheduleID: nil)
            let claimedIDs = Set(runs.map(\.scheduleID))
            #expect(claimedIDs.count == runs.count, "a schedule has two runs for one fire")
            var partial = 0
            for state in try await store.states() {
                let expected = claimedIDs.contains(state.scheduleID) ? advanced : due
                if state.nextFireAt != expected { partial += 1 }
            }
            #expect(partial == 0, "round \(round): \(partial) schedules in a partial state")
            try await store.close()
        }
        #expect(killedInsideClaim >= 1, "no kill landed inside a claim")
        // A survivor finishes the job: every fire exactly once.
        let survivor = try ProbeProcess(["claim", "--database", url, "--owner", "survivor", "--now", Self.at, "--batch", "500"])
        #expect(try await survivor.wait() == 0, "\(survivor.errors)")
        let store = try await openStore(url)
        let runs = try await store.activeRuns(scheduleID: nil)
        #expect(runs.count == count)
        #expect(Set(runs.map(\.scheduleID)).count == count)
        #expect(try await store.states().allSatisfy { $0.nextFireAt == advanced })
        try await store.close()
    }

    @Test func sqlite_killedMidClaim_leavesNoPartialState() async throws {
        try await killMidClaim(tempSQLite())
    }

    @Test func postgres_killedMidClaim_leavesNoPartialState() async throws {
        guard let url = try await freshPostgresDatabase() else { return }
        try await killMidClaim(url)
    }
}
