import Foundation
import GRDB
import Logging
import PacerCore
import PacerSQLite
import PacerPostgres
import PacerStore
import PostgresNIO
import Testing

/// Schedules stored before fingerprints existed get theirs when the store opens, so an
/// identical schedule is found by its index on an upgraded database too.
@Suite struct FingerprintFillTests {
    @Test func sqlite_aScheduleWithoutFingerprint_getsItAtOpen() async throws {
        try await withStore { store, path in
            let s = try await store.createSchedule(fiveMinutely("old"), author: "a")
            try await store.close()
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "UPDATE schedules SET fingerprint = NULL") }
            try queue.close()
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.schedules(fingerprint: s.fingerprint).map(\.id) == [s.id])
            #expect(try await reopened.identicalSchedule(to: fiveMinutely("new")).map(\.id) == s.id)
            try await reopened.close()
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PACER_TEST_POSTGRES_URL"] != nil))
    func postgres_aScheduleWithoutFingerprint_getsItAtOpen() async throws {
        let url = try #require(try await freshPostgresDatabase())
        let store = try await PostgresStore(url: url)
        let s = try await store.createSchedule(fiveMinutely("old"), author: "a")
        try await store.close()
        try await PostgresTestServer.admin(url) { c in
            try await c.query("UPDATE schedules SET fingerprint = NULL", logger: Logger(label: "test"))
        }
        let reopened = try await PostgresStore(url: url)
        #expect(try await reopened.schedules(fingerprint: s.fingerprint).map(\.id) == [s.id])
        #expect(try await reopened.identicalSchedule(to: fiveMinutely("new")).map(\.id) == s.id)
        try await reopened.close()
    }
}
