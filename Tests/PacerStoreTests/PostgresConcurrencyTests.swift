import Foundation
import PacerCore
@testable import PacerPostgres
@testable import PacerStore
import PostgresNIO
import Synchronization
import Testing

/// Replicas claiming at once on PostgreSQL: every fire is claimed exactly once.
@Suite(.serialized) struct PostgresConcurrencyTests {
    /// 2026-03-08T09:00:00Z, when the schedules are created.
    static let createdAt = Date(timeIntervalSince1970: 1_772_960_400)

    @Test func claimDue_eightReplicasOverTenThousandFires_claimEachExactlyOnce() async throws {
        guard let server = PostgresTestServer.url else { return }
        let scheduleCount = 1_000, firesEach = 10, claimers = 8
        let total = scheduleCount * firesEach
        try await PostgresTestServer.withDatabase(server) { url in
            // 1,000 schedules firing every minute from creation; at +10 min each has 10 fires due.
            let seeder = try await PostgresStore(url: url)
            let schedules = (0..<scheduleCount).map { i in
                Schedule(id: PacerID.make(.schedule, at: Self.createdAt), name: "load-\(i)", owner: "test",
                         timing: ScheduleTiming(rule: "every 1m"), target: .command(CommandTarget(argv: ["true"])),
                         createdAt: Self.createdAt)
            }
            let seedStart = ContinuousClock.now
            try await seeder.createSchedules(schedules, author: "test")
            let seedTime = ContinuousClock.now - seedStart
            try await seeder.close()

            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<claimers { group.addTask { try await PostgresStore(url: url, maximumConnections: 2) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let now = Self.createdAt.addingTimeInterval(Double(firesEach) * 60)
            let claimed = ClaimCounter()
            let claimStart = ContinuousClock.now
            let perClaimer = try await withThrowingTaskGroup(of: [Run].self) { group in
                for (k, store) in stores.enumerated() {
                    group.addTask {
                        var mine: [Run] = []
                        var idleSince: ContinuousClock.Instant?
                        while true {
                            let runs = try await store.claimDue(now: now, limit: 50, owner: "claimer-\(k)")
                            mine += runs
                            let sum = claimed.value.add(runs.count, ordering: .relaxed).newValue
                            if !runs.isEmpty { idleSince = nil; continue }
                            if sum >= total { break }
                            // Rows locked by other claimers are skipped; try again until nothing moves.
                            let since = idleSince ?? .now
                            idleSince = since
                            if ContinuousClock.now - since > .seconds(3) { break }
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [[Run]]()) { $0.append($1) }
            }
            let claimTime = ContinuousClock.now - claimStart
            for store in stores { try await store.close() }

            let all = perClaimer.flatMap { $0 }
            #expect(all.count == total, "claimers returned \(all.count) runs for \(total) fires")
            #expect(Set(all.map(\.id)).count == all.count, "a run id was returned twice")
            struct Fire: Hashable { var schedule: String; var at: Date }
            #expect(Set(all.map { Fire(schedule: $0.scheduleID, at: $0.scheduledAt) }).count == total,
                    "a fire was returned to two claimers")

            // The database: one run per (schedule, scheduled instant), all ten fires of each.
            let first = PostgresSchema.millis(Self.createdAt) + 60_000
            let last = PostgresSchema.millis(now)
            let counts = try await PostgresTestServer.ints(url, """
                SELECT count(*), count(DISTINCT (schedule_id, scheduled_at)),
                       (SELECT count(*) FROM (SELECT 1 FROM runs GROUP BY schedule_id, scheduled_at HAVING count(*) > 1) d),
                       (SELECT count(*) FROM (SELECT 1 FROM runs GROUP BY schedule_id
                            HAVING count(*) = \(Int64(firesEach)) AND min(scheduled_at) = \(first) AND max(scheduled_at) = \(last)) c),
                       (SELECT count(*) FROM schedule_states WHERE fire_count = \(Int64(firesEach)) AND next_fire_at = \(last + 60_000))
                FROM runs
                """)
            #expect(counts[0] == Int64(total), "runs in the database")
            #expect(counts[1] == Int64(total), "distinct (schedule, scheduled_at)")
            #expect(counts[2] == 0, "double claims")
            #expect(counts[3] == Int64(scheduleCount), "schedules with all \(firesEach) fires claimed once")
            #expect(counts[4] == Int64(scheduleCount), "schedules advanced past the claimed fires")
            let busy = perClaimer.filter { !$0.isEmpty }.count
            print("postgres 8-claimer test: seeded \(scheduleCount) schedules in \(seedTime); "
                  + "claimed \(all.count) fires in \(claimTime) (\(busy) of \(claimers) claimers got work)")
        }
    }

    @Test func migrate_manyReplicasStartingAtOnce_allOpen() async throws {
        guard let server = PostgresTestServer.url else { return }
        try await PostgresTestServer.withDatabase(server) { url in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<6 { group.addTask { try await PostgresStore(url: url, maximumConnections: 1) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for store in stores { try await store.close() }
            let applied = try await PostgresTestServer.ints(url, "SELECT count(*) FROM pacer_migrations")
            #expect(applied == [Int64(PostgresSchema.migrations.count)])
        }
    }

    @Test func changes_writeByAnotherStore_signalsWithinASecond() async throws {
        guard let server = PostgresTestServer.url else { return }
        try await PostgresTestServer.withDatabase(server) { url in
            let watcher = try await PostgresStore(url: url)
            let writer = try await PostgresStore(url: url)
            let changes = watcher.changes()
            let started = ContinuousClock.now
            let waiter = Task { () -> Bool in
                for await _ in changes { return true }
                return false
            }
            _ = try await writer.createSchedule(
                Schedule(id: PacerID.make(.schedule, at: Self.createdAt), name: "watched", owner: "test",
                         timing: ScheduleTiming(rule: "every 1h"), target: .command(CommandTarget(argv: ["true"])),
                         createdAt: Self.createdAt), author: "test")
            let timeout = Task { try await Task.sleep(for: .seconds(1)); waiter.cancel() }
            let signalled = await waiter.value
            timeout.cancel()
            #expect(signalled, "no change signal within a second (\(ContinuousClock.now - started))")
            try await writer.close()
            try await watcher.close()
            // After close the subscription has ended.
            for await _ in changes {}
        }
    }

    @Test func changes_listenerConnectionKilled_reconnectsAndSignals() async throws {
        guard let server = PostgresTestServer.url else { return }
        try await PostgresTestServer.withDatabase(server) { url in
            let watcher = try await PostgresStore(url: url)
            let writer = try await PostgresStore(url: url)
            let changes = watcher.changes()
            // Cut every LISTEN connection (the watcher's and the writer's) from the server side.
            let killed = try await PostgresTestServer.ints(url, """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%'
                """)
            #expect(killed.first ?? 0 >= 1, "no listener connection found")
            try await Task.sleep(for: .seconds(1))
            var iterator = changes.makeAsyncIterator()
            _ = await iterator.next()  // the reconnect itself signals: consumers re-read
            let waiter = Task { () -> Bool in await iterator.next() != nil }
            _ = try await writer.createSchedule(
                Schedule(id: PacerID.make(.schedule, at: Self.createdAt), name: "after-cut", owner: "test",
                         timing: ScheduleTiming(rule: "every 1h"), target: .command(CommandTarget(argv: ["true"])),
                         createdAt: Self.createdAt), author: "test")
            let timeout = Task { try await Task.sleep(for: .seconds(1)); waiter.cancel() }
            #expect(await waiter.value, "no change signal after the listener reconnected")
            timeout.cancel()
            try await writer.close()
            try await watcher.close()
        }
    }

    @Test func endpoint_parsesURL() throws {
        let e = try PostgresStore.endpoint("postgres://ada:s%40cret@db.example.com:6543/pacer?sslmode=require")
        #expect(e.host == "db.example.com")
        #expect(e.port == 6543)
        #expect(e.username == "ada")
        #expect(e.password == "s@cret")
        #expect(e.database == "pacer")
        if case .require = e.tls {} else { Issue.record("sslmode=require must require TLS") }
        let local = try PostgresStore.endpoint("postgresql://postgres@127.0.0.1/pacer_test")
        if case .disable = local.tls {} else { Issue.record("loopback must not use TLS") }
        if case .prefer = try PostgresStore.endpoint("postgres://u@db.internal/x").tls {} else {
            Issue.record("a remote host prefers TLS")
        }
        #expect(throws: (any Error).self) { try PostgresStore.endpoint("mysql://u@h/x") }
    }
}

/// Fires claimed so far by all claimers.
private final class ClaimCounter: Sendable {
    let value = Atomic<Int>(0)
}
