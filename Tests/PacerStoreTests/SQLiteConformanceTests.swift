import Foundation
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// The store conformance suite on SQLite: each case on a fresh file of its own.
@Suite struct SQLiteConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func sqlite(_ conformance: ConformanceCase) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("pacer.sqlite").path)
        do {
            try await conformance.run(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
