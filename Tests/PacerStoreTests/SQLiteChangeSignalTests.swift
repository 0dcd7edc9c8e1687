import Foundation
import PacerCore
import PacerSQLite
import PacerStore
import Testing

/// The SQLite change signal beyond the conformance suite: writes through another connection
/// (as another process makes them) are noticed by polling, and closing ends the streams.
@Suite struct SQLiteChangeSignalTests {
    /// The first element of `stream`, or `false` after `seconds`.
    func signalled(_ stream: AsyncStream<Void>, within seconds: Double) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test func changes_writeThroughAnotherConnection_signalsWithinASecond() async throws {
        try await withStore { store, path in
            let other = try SQLiteStore(path: path)
            let stream = store.changes()
            _ = try await other.createSchedule(fiveMinutely("elsewhere"), author: "user:bob")
            // The poller reads every 200 ms; the margin is for a CI machine busy with the
            // parallel suites (this failed once at 1.5 s with both cores saturated).
            #expect(try await signalled(stream, within: 5))
            try await other.close()
            try await store.close()
        }
    }

    @Test func changes_emptyClaim_doesNotSignal() async throws {
        try await withStore { store, _ in
            _ = try await store.createSchedule(fiveMinutely("digest"), author: "a")
            let stream = store.changes()
            // Let the poller take its first reading before the quiet period starts.
            #expect(try await store.claimDue(now: t0, limit: 10, owner: "w").isEmpty)
            #expect(try await signalled(stream, within: 0.6) == false)
            try await store.close()
        }
    }

    @Test func close_finishesStreams_andLaterSubscriptionsEndAtOnce() async throws {
        try await withStore { store, _ in
            let stream = store.changes()
            let ended = Task {
                for await _ in stream {}
                return true
            }
            try await store.close()
            #expect(await ended.value)
            var iterator = store.changes().makeAsyncIterator()
            #expect(await iterator.next() == nil)
            try await store.close()  // closing twice is harmless
        }
    }
}

/// The WAL is checkpointed beside the writer, not inside its commits.
@Suite struct SQLiteCheckpointTests {
    @Test func writes_areCheckpointedBesideTheWriter() async throws {
        try await withStore { store, _ in
            #expect(store.backgroundCheckpoints == 0)
            for i in 0..<20 { _ = try await store.createSchedule(fiveMinutely("s\(i)"), author: "user:ada") }
            // A checkpoint follows within 100 ms of a write; the bound only guards against a hang.
            var waited = 0
            while store.backgroundCheckpoints == 0 && waited < 600 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(store.backgroundCheckpoints >= 1)
            try await store.close()
            let after = store.backgroundCheckpoints
            await #expect(throws: StoreError.self) { try await store.createSchedule(fiveMinutely("late"), author: "user:ada") }
            #expect(store.backgroundCheckpoints == after)
        }
    }

    @Test func readsOnly_needNoCheckpoint() async throws {
        try await withStore { store, _ in
            _ = try await store.schedules()
            try await Task.sleep(for: .milliseconds(300))
            #expect(store.backgroundCheckpoints == 0)
            try await store.close()
        }
    }
}
