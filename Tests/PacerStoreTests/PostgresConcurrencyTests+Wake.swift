import Foundation
import PacerCore
@testable import PacerStore
import Testing

/// Replicas waking agent sessions at once on PostgreSQL: every session is woken exactly once.
extension PostgresConcurrencyTests {
    @Test func wakeSessions_twoReplicasOverManyDueSessions_wakeEachExactlyOnce() async throws {
        guard let server = PostgresTestServer.url else { return }
        let sessionCount = 300, scheduleCount = 3
        try await PostgresTestServer.withDatabase(server) { url in
            let seeder = try await PostgresStore(url: url)
            var scheduleIDs: [String] = []
            for k in 0..<scheduleCount {
                let s = try await seeder.createSchedule(
                    Schedule(id: PacerID.make(.schedule, at: Self.createdAt), name: "agent-\(k)", owner: "test",
                             timing: ScheduleTiming(rule: "every 1h"), target: .command(CommandTarget(argv: ["true"])),
                             createdAt: Self.createdAt), author: "test")
                scheduleIDs.append(s.id)
            }
            // Few distinct (schedule, item, resume instant) keys: most runs must move on by
            // 1 ms steps, while the other replica inserts into the same keys.
            let resumeAt = Self.createdAt.addingTimeInterval(60)
            var ids: Set<String> = []
            for i in 0..<sessionCount {
                let created = Self.createdAt.addingTimeInterval(Double(i) / 1000)
                let s = try await seeder.createSession(
                    Session(id: PacerID.make(.session, at: created), agentID: "agt_test",
                            scheduleID: scheduleIDs[i % scheduleCount], itemKey: i % 2 == 0 ? nil : "item-\(i % 5)",
                            createdAt: created))
                _ = try await seeder.updateSession(id: s.id, state: .waiting,
                                                   resumeAt: resumeAt.addingTimeInterval(Double(i % 4) / 1000),
                                                   resumePrompt: "wake \(i)", recurrence: nil, at: created)
                ids.insert(s.id)
            }
            try await seeder.close()

            let stores = [try await PostgresStore(url: url, maximumConnections: 2),
                          try await PostgresStore(url: url, maximumConnections: 2)]
            let now = Self.createdAt.addingTimeInterval(3600)
            let perReplica = try await withThrowingTaskGroup(of: [Run].self) { group in
                for store in stores {
                    group.addTask {
                        var mine: [Run] = []
                        while true {
                            // Sessions locked by the other replica are skipped; it wakes them.
                            let runs = try await store.wakeSessions(now: now, limit: 20)
                            if runs.isEmpty { return mine }
                            mine += runs
                        }
                    }
                }
                return try await group.reduce(into: [[Run]]()) { $0.append($1) }
            }
            for store in stores { try await store.close() }

            let all = perReplica.flatMap { $0 }
            #expect(all.count == sessionCount, "replicas returned \(all.count) runs for \(sessionCount) sessions")
            #expect(Set(all.compactMap(\.sessionID)) == ids, "a session was woken twice or not at all")
            #expect(all.allSatisfy { $0.trigger == .resume && $0.status == .queued && $0.attempt == 1 })
            let counts = try await PostgresTestServer.ints(url, """
                SELECT count(*), count(DISTINCT session_id),
                       (SELECT count(*) FROM sessions WHERE state = 'pending'),
                       (SELECT count(*) FROM sessions WHERE state = 'waiting')
                FROM runs WHERE trigger = 'resume'
                """)
            #expect(counts == [Int64(sessionCount), Int64(sessionCount), Int64(sessionCount), 0],
                    "resume runs, their distinct sessions, pending and waiting sessions: \(counts)")
            let busy = perReplica.filter { !$0.isEmpty }.count
            print("postgres 2-replica wake test: \(all.count) sessions woken (\(busy) of 2 replicas got work)")
        }
    }
}
