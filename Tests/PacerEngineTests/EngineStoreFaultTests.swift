import PacerSQLite
import Foundation
import GRDB
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Synchronization
import Testing

/// Store writes that fail are not lost: the engine writes them again.
@Suite(.timeLimit(.minutes(1))) struct EngineStoreFaultTests {
    /// Makes every change of a run's status fail while `fail_writes` holds a row: a store
    /// that refuses writes (a full disk, a database gone away), on the real SQLite file.
    static func injectFailures(_ path: String) throws -> DatabaseQueue {
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS fail_writes (x INTEGER);
                CREATE TRIGGER IF NOT EXISTS fail_status BEFORE UPDATE OF status ON runs
                WHEN EXISTS (SELECT 1 FROM fail_writes) BEGIN SELECT RAISE(ABORT, 'injected: the disk is full'); END;
                """)
        }
        return db
    }

    @Test func finishThatFailsToWrite_isWrittenAgain_neitherDroppedNorAbandonedNorRunTwice() async throws {
        let box = ClockBox()
        let h = try Harness(leaseTimeout: 30, behaviour: { r, i in await box.behaviour(r, i) })
        defer { Task { await h.close() } }
        let faults = try Self.injectFailures(h.directory.appendingPathComponent("pacer.db").path)
        box.set { _, _ in
            // The run succeeds, but the store refuses its finish.
            try? faults.write { try $0.execute(sql: "INSERT INTO fail_writes VALUES (1)") }
            return .succeeded(output: "done once")
        }
        let s = try await h.add("ping")
        await h.tick(to: 60)
        for _ in 0..<500 where h.runner.recorded.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        for _ in 0..<20 { await h.engine.step() }
        #expect(try await h.runs(s).map(\.status) == [.running], "the finish was refused")
        // The lease is renewed while the finish waits; the store comes back later.
        for t in stride(from: 61.0, through: 100, by: 1) { await h.tick(to: t) }
        #expect(try await h.runs(s).map(\.status) == [.running], "not abandoned: its lease was kept (40 s > 30 s lease)")
        try await faults.write { try $0.execute(sql: "DELETE FROM fail_writes") }
        await h.advance(to: 101)
        let runs = try await h.runs(s).filter { Harness.at($0.scheduledAt) == 60 }
        #expect(runs.map(\.status) == [.succeeded] && runs.first?.output == "done once", "\(runs)")
        #expect(h.runner.recorded.filter { Harness.at($0.scheduledAt) == 60 }.count == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct EngineDrainDeliveryTests {
    /// A deliverer that holds each delivery until the test lets it go.
    final class GatedDeliverer: Deliverer, Sendable {
        let delivered = Mutex<[String]>([])
        let gate = AsyncStream<Void>.makeStream()
        func deliver(_ report: RunReport, to delivery: Delivery) async throws {
            for await _ in gate.stream { break }
            try Task.checkCancellation()
            delivered.withLock { $0.append(report.runID) }
        }
    }

    @Test func drain_waitsForDeliveriesInFlight_beforeItEnds() async throws {
        let deliverer = GatedDeliverer()
        let h = try Harness(drainTimeout: 30, deliverer: deliverer)
        defer { Task { await h.close() } }
        _ = try await h.add("report") { $0.delivery = .stdout }
        await h.advance(to: 60)   // the run ends; its delivery waits at the gate
        h.engine.stop()
        let loop = Task { try await h.engine.run() }
        try await h.waitForSleepers(1)  // the drain waits on the clock for the delivery
        #expect(deliverer.delivered.withLock { $0 }.isEmpty)
        deliverer.gate.continuation.yield()
        try await loop.value
        #expect(deliverer.delivered.withLock { $0 }.count == 1, "delivered before the engine stopped")
    }
}

/// Who may be judged dead, and when: never on the evidence of an outage this process saw too.
@Suite(.timeLimit(.minutes(1))) struct EngineRecoveryJudgementTests {
    @Test func afterItsOwnOutage_anEngineWaits_untilLiveProcessesHaveBeatenAgain() async throws {
        let h = try Harness(leaseTimeout: 30, livenessTimeout: 10)
        defer { Task { await h.close() } }
        let s = try await h.add("elsewhere")
        // Another process runs the fire at 60 and is alive throughout.
        h.clock.advance(to: Harness.t0.addingTimeInterval(60))
        try await h.store.beat(owner: "other-process", at: h.clock.now())
        let theirs = try await h.store.claimDue(now: h.clock.now(), limit: 10, owner: "other-process", start: true)
        _ = try await h.store.startHeld(ids: theirs.map(\.id), owner: "other-process", at: h.clock.now())
        await h.tick(to: 60)
        // The store is unreachable from 61 to 90 for everyone: no beats, no renewals.
        let faults = try EngineStoreFaultTests.injectFailures(h.directory.appendingPathComponent("pacer.db").path)
        try await faults.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_beat BEFORE INSERT ON processes WHEN EXISTS (SELECT 1 FROM fail_writes)
                BEGIN SELECT RAISE(ABORT, 'injected: the database is gone'); END;
                CREATE TRIGGER fail_beat_update BEFORE UPDATE ON processes WHEN EXISTS (SELECT 1 FROM fail_writes)
                BEGIN SELECT RAISE(ABORT, 'injected: the database is gone'); END;
                INSERT INTO fail_writes VALUES (1);
                """)
        }
        for t in [61.0, 70, 80] { await h.tick(to: t) }  // each pass fails at its beat
        try await faults.write { try $0.execute(sql: "DELETE FROM fail_writes") }
        // Back at 90: this engine beats first; the other process beats and renews a second later.
        for t in stride(from: 90.0, through: 110, by: 1) {
            if t >= 91 {
                try await h.store.beat(owner: "other-process", at: h.clock.now())
                try await h.store.heartbeat(runID: theirs[0].id, owner: "other-process", at: h.clock.now())
            }
            await h.tick(to: t)
        }
        let run = try await h.store.run(id: theirs[0].id)
        #expect(run?.status == .running, "a live process's run is not abandoned for beats the outage stopped: \(String(describing: run))")
        #expect(h.runner.recorded.filter { Harness.at($0.scheduledAt) == 60 }.isEmpty, "and not run again here")
        _ = s
    }

    @Test func theOnlyEngineTheStoreCanHave_takesOverADeadOwnersWork_atItsFirstPass() async throws {
        let h = try Harness(leaseTimeout: 600, livenessTimeout: 600)
        defer { Task { await h.close() } }
        let s = try await h.add("after-a-crash") { $0.timing.rule = "every 30s" }
        // The previous server (killed with -9) held the fire at 30 and was running the one at 60.
        h.clock.advance(to: Harness.t0.addingTimeInterval(30))
        try await h.store.beat(owner: "killed-server", at: h.clock.now())
        var held = try await h.store.claimDue(now: h.clock.now(), limit: 10, owner: "killed-server", start: true)
        held += try await h.store.claimDue(now: h.clock.now().addingTimeInterval(30), limit: 10, owner: "killed-server", start: true)
        try #require(held.count == 2)
        _ = try await h.store.startHeld(ids: [held[0].id], owner: "killed-server", at: h.clock.now())
        h.clock.advance(to: Harness.t0.addingTimeInterval(61))
        let engine = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, leaseTimeout: 600, owner: "restarted",
                                        livenessTimeout: 600, exclusiveStore: true)
        await engine.step()
        await engine.settle()
        let runs = try await h.runs(s)
        #expect(try await h.store.run(id: held[0].id)?.status == .abandoned, "its running run, at once: \(runs)")
        #expect(try await h.store.run(id: held[1].id)?.status == .succeeded, "its held fire runs here at once, first attempt: \(runs)")
    }
}

/// A backlog left by a stall (a full disk, a database outage) is claimed at once, not one
/// instant per schedule every 0.2 s.
@Suite(.timeLimit(.minutes(1))) struct EngineBacklogTests {
    @Test func aBacklogOfOneSchedule_isClaimedInOnePass() async throws {
        let h = try Harness(maxConcurrent: 100)
        defer { Task { await h.close() } }
        let s = try await h.add("stalled") {
            $0.timing.rule = "every 1s"
            $0.policies.overlap = .allow
            $0.policies.misfireGraceSeconds = 600
        }
        await h.tick(to: 0)
        // The engine could not claim for 20 s; one pass at 20 s sees every instant since.
        h.clock.advance(to: Harness.t0.addingTimeInterval(20))
        await h.engine.step()
        await h.engine.settle()
        let fired = try await h.runs(s).map { Harness.at($0.scheduledAt) }.filter { $0 >= 1 && $0 <= 20 }
        #expect(Set(fired).count == 20, "every instant from 1 to 20 s in one pass: \(fired.sorted())")
    }
}
