import Foundation
import Logging
import PacerCore
@testable import PacerPostgres
@testable import PacerStore
import PostgresNIO
import Testing

/// PostgreSQL for tests: `PACER_TEST_POSTGRES_URL` names a server where the user may create
/// databases. Without it the PostgreSQL tests return early, unless `PACER_REQUIRE_POSTGRES=1`
/// (CI), where they fail.
enum PostgresTestServer {
    static var url: String? {
        let env = ProcessInfo.processInfo.environment
        if let url = env["PACER_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        if env["PACER_REQUIRE_POSTGRES"] == "1" {
            Issue.record("""
                PACER_REQUIRE_POSTGRES=1 but PACER_TEST_POSTGRES_URL is not set: the PostgreSQL store \
                tests cannot run (set it to postgres://user:password@host:port/database)
                """)
        }
        return nil
    }

    static let logger = Logger(label: "pacer.tests.postgres")

    /// Runs `body` with the URL of a new, empty database, dropped afterwards.
    static func withDatabase(_ serverURL: String, _ body: (String) async throws -> Void) async throws {
        let name = "pacer_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        // CREATE DATABASE copies template1 and fails while another creation holds it (SQLSTATE
        // 55006, suites create databases in parallel): try again shortly.
        var attempt = 0
        while true {
            do {
                try await admin(serverURL) { c in
                    try await c.query("CREATE DATABASE \(unescaped: name)", logger: logger)
                }
                break
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 20 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100 * attempt))
            } catch let error as PSQLError {
                throw PostgresSetupError(message: String(reflecting: error))
            }
        }
        var parts = try #require(URLComponents(string: serverURL))
        parts.path = "/" + name
        let url = try #require(parts.string)
        do {
            try await body(url)
        } catch let error as PSQLError {
            try? await drop(name, serverURL)
            throw PostgresSetupError(message: String(reflecting: error))  // with the server's message
        } catch {
            try? await drop(name, serverURL)
            throw error
        }
        try await drop(name, serverURL)
    }

    static func drop(_ name: String, _ serverURL: String) async throws {
        try await admin(serverURL) { c in
            try await c.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
    }

    /// One plain connection to the database a URL names (for setup and for checks).
    static func admin<T>(_ url: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let config = try PostgresStore.endpoint(url).connectionConfiguration()
        let c = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        do {
            let result = try await body(c)
            try await c.close()
            return result
        } catch {
            try? await c.close()
            throw error
        }
    }

    /// The integers of a query's first row.
    static func ints(_ url: String, _ query: PostgresQuery) async throws -> [Int64] {
        try await admin(url) { c in
            let row = try #require(try await c.query(query, logger: logger).collect().first)
            return try (0..<row.count).map { try row.makeRandomAccess()[$0].decode(Int64.self) }
        }
    }
}

/// A failed statement, with the server's message (PSQLError hides it from `description`).
struct PostgresSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
