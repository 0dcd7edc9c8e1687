import Foundation
@testable import PacerPostgres
@testable import PacerStore
import PostgresNIO
import Testing

/// Store failures are logged with what went wrong: PostgresNIO's own description of a server
/// error is deliberately generic, so Pacer names the SQLSTATE and the server's message.
@Suite struct StoreFailureTests {
    @Test func describe_aServerError_namesItsSQLStateAndMessage() async throws {
        guard let server = PostgresTestServer.url else { return }
        do {
            try await PostgresTestServer.admin(server) { c in
                _ = try await c.query("SELECT * FROM pacer_no_such_table", logger: PostgresTestServer.logger)
            }
            Issue.record("querying a missing table succeeded")
        } catch {
            let text = StoreFailure.describe(error)
            #expect(text.contains("SQLSTATE 42P01"), "\(text)")
            #expect(text.contains("pacer_no_such_table"), "\(text)")
            #expect(!"\(error)".contains("42P01"), "PostgresNIO's own description is generic")
        }
    }

    @Test func describe_anUnreachableServer_namesTheClientCode() async throws {
        // Nothing listens on port 1 of loopback: the connection is refused.
        let config = try PostgresStore.endpoint("postgres://pacer:x@127.0.0.1:1/pacer").connectionConfiguration()
        do {
            let c = try await PostgresConnection.connect(configuration: config, id: 2, logger: PostgresTestServer.logger)
            try? await c.close()
            Issue.record("connecting to a closed port succeeded")
        } catch {
            let text = StoreFailure.describe(error)
            #expect(text.hasPrefix("postgres connectionError"), "\(text)")
            #expect(text.lowercased().contains("refused"), "\(text)")
        }
    }

    @Test func describe_anyOtherError_isItsOwnDescription() {
        #expect(StoreFailure.describe(StoreError.closed) == "\(StoreError.closed)")
    }
}
