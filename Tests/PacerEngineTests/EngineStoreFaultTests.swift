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
