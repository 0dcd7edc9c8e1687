import Foundation
@testable import PacerPostgres
@testable import PacerStore
import PostgresNIO
import Synchronization
import Testing

/// PostgreSQL going away and coming back, through a proxy the test cuts: every store call
/// fails within the call timeout instead of hanging (a query in flight included), and the
/// store serves calls and change signals again once the server is back, by itself.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresOutageTests {
    @Test func outage_callsFailWithinTheirDeadline_thenTheStoreRecoversByItself() async throws {
        guard let server = PostgresTestServer.url else { return }
        try await PostgresTestServer.withDatabase(server) { url in
            let direct = try #require(URLComponents(string: url))
            let proxy = try await TCPProxy(to: direct.host ?? "127.0.0.1", port: direct.port ?? 5432)
            var proxied = direct
            proxied.port = proxy.port
            let store = try await PostgresStore(url: try #require(proxied.string), callTimeout: 5)
            try await store.beat(owner: "p1", at: Date())
            let signals = SignalCounter(store.changes())

            // A transaction in flight when the server goes: its next statement would be sent on
            // a closed connection, where PostgresNIO never answers.
            let inFlight = Task {
                try await store.write { c in
                    _ = try await c.query("SELECT pg_sleep(0.5)", logger: store.logger).collect()
                    _ = try await c.query("SELECT 1", logger: store.logger).collect()
                }
            }
            try await Task.sleep(for: .milliseconds(150))
            let cutAt = signals.count
            try await proxy.cut()
            await #expect(throws: (any Error).self, "a transaction cut off fails") { try await inFlight.value }

            // Calls during the outage fail (refused, or timed out waiting for a connection);
            // enough of them in a row make the pool replace itself.
            for _ in 0..<(PostgresPool.strikesBeforeReplacing + 1) {
                await #expect(throws: (any Error).self) { try await store.beat(owner: "p1", at: Date()) }
            }

            try await proxy.restore()
            var recovered = false
            for _ in 0..<120 where !recovered {
                recovered = (try? await store.beat(owner: "p1", at: Date())) != nil
                if !recovered { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(recovered, "the store answers again after the outage")

            // The listener reconnected too (it signals when it does), and a NOTIFY by another
            // connection reaches the store again.
            #expect(await signals.waitForMore(than: cutAt, seconds: 30), "the listener reconnects")
            let before = signals.count
            var notified = false
            for _ in 0..<40 where !notified {
                try await PostgresTestServer.admin(url) { c in
                    _ = try await c.query("SELECT pg_notify(\(PostgresSchema.channel), '0')", logger: PostgresTestServer.logger).collect()
                }
                notified = await signals.waitForMore(than: before, seconds: 0.25)
            }
            #expect(notified, "a change by another process reaches the store after the outage")
            signals.stop()
            try await store.close()
            try await proxy.cut()
        }
    }
}

/// Counts the change signals of a store as they come.
final class SignalCounter: Sendable {
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<Void>) {
        let box = Box()
        task = Task { for await _ in stream { box.add() } }
        self.box = box
    }

    private let box: Box
    var count: Int { box.value }

    /// Waits (polling) until more than `n` signals were seen, at most `seconds`.
    func waitForMore(than n: Int, seconds: Double) async -> Bool {
        let until = Date().addingTimeInterval(seconds)
        while count <= n, Date() < until { try? await Task.sleep(for: .milliseconds(20)) }
        return count > n
    }

    func stop() { task.cancel() }

    private final class Box: Sendable {
        private let n = Mutex(0)
        func add() { n.withLock { $0 += 1 } }
        var value: Int { n.withLock { $0 } }
    }
}
