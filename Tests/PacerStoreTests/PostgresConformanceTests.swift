import Foundation
import PacerPostgres
import PacerStore
import PacerTesting
import Testing

/// The store conformance suite on PostgreSQL: each case on a new, empty database.
@Suite struct PostgresConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func postgres(_ conformance: ConformanceCase) async throws {
        guard let server = PostgresTestServer.url else { return }
        try await PostgresTestServer.withDatabase(server) { url in
            let store = try await PostgresStore(url: url)
            do {
                try await conformance.run(store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}
