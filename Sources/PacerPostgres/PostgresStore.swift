import Foundation
import Logging
import NIOSSL
import PacerCore
import PacerStore
import PostgresNIO

/// A ``Store`` on PostgreSQL, shared safely by any number of replicas: a connection pool
/// (`PostgresClient`), claims with `FOR UPDATE SKIP LOCKED`, the change signal over
/// `LISTEN/NOTIFY`, the schema migrated on open under an advisory lock.
public final class PostgresStore: Store {
    let pool: PostgresPool
    let logger: Logger
    let clock: any WallClock
    let changeHub: PostgresChangeHub
    /// Decoded claim plans of claimed schedules, per revision.
    let plans = PostgresPlanCache()

    /// Connects, migrates the schema and starts listening for changes.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`; `sslmode=disable` (or a loopback
    ///     host) turns TLS off, `sslmode=require` requires it, otherwise TLS is preferred.
    ///   - maximumConnections: the pool's size.
    ///   - callTimeout: seconds a store call may take (waiting for a connection included)
    ///     before it fails with ``StoreError/timedOut``; the server ends statements and idle
    ///     transactions that outlive it too.
    ///   - clock: the instant of changes (revision times, rollbacks); the system clock unless a
    ///     test fixes it.
    public init(url: String, maximumConnections: Int = 8, callTimeout: Double = 15,
                clock: any WallClock = SystemClock()) async throws {
        let endpoint = try Self.endpoint(url)
        let listenConfiguration = try endpoint.connectionConfiguration()
        var config = endpoint.clientConfiguration
        config.options.maximumConnections = maximumConnections
        var logger = Logger(label: "pacer.store.postgres")
        logger.logLevel = .warning
        // Quiet about the first lease racing `run()` starting in its task (the lease waits).
        var poolLogger = logger
        poolLogger.logLevel = .error
        let pool = PostgresPool(configuration: config, callTimeout: callTimeout, logger: poolLogger)
        self.pool = pool
        self.logger = logger
        self.clock = clock
        changeHub = PostgresChangeHub(configuration: listenConfiguration, callTimeout: callTimeout, logger: logger)
        do {
            // The listener's own connection first: a wrong password or a closed port fails
            // here at once, where a pooled lease would wait for the pool to retry.
            try await changeHub.start()
            try await PostgresSchema.migrate(pool, logger: logger)
            try await fillFingerprints()
        } catch {
            await changeHub.stop()
            await pool.close()
            throw error
        }
    }

    public func changes() -> AsyncStream<Void> {
        changeHub.subscribe()
    }

    public func close() async throws {
        await changeHub.stop()
        await pool.close()
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on a pooled connection, within the call timeout; errors
    /// thrown by `body` come out as they were thrown, unique violations as ``StoreError``
    /// where `body` maps them.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let result = try await pool.transaction(body)
        changeHub.signal()
        return result
    }

    /// A read on a pooled connection, within the call timeout.
    func read(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await pool.query(query)
    }

    /// Statements on one pooled connection, outside a transaction, within the call timeout.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await pool.withConnection(body)
    }

    /// The SQLSTATE of a server error (`23505` unique violation, `23503` foreign key).
    static func sqlState(_ error: any Error) -> (state: String, constraint: String)? {
        guard let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] else { return nil }
        return (state, e.serverInfo?[.constraintName] ?? "")
    }

    // MARK: Configuration

    /// What a database URL names.
    struct Endpoint {
        enum TLSMode { case disable, prefer(TLSConfiguration), require(TLSConfiguration) }
        var host: String, port: Int, username: String, password: String?, database: String?, tls: TLSMode

        var clientConfiguration: PostgresClient.Configuration {
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer(let t): mode = .prefer(t)
            case .require(let t): mode = .require(t)
            }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: mode)
        }

        func connectionConfiguration() throws -> PostgresConnection.Configuration {
            let mode: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer(let t): mode = .prefer(try NIOSSLContext(configuration: t))
            case .require(let t): mode = .require(try NIOSSLContext(configuration: t))
            }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: mode)
        }
    }

    static func endpoint(_ url: String) throws -> Endpoint {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError.corrupt("not a postgres:// URL: \(url)")
        }
        let host = parts.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let sslmode = query["sslmode"]
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        var tlsConfig = TLSConfiguration.makeClientConfiguration()
        let tls: Endpoint.TLSMode
        if sslmode == "disable" || (loopback && sslmode == nil) {
            tls = .disable
        } else if sslmode == "verify-ca" || sslmode == "verify-full" {
            tls = .require(tlsConfig)
        } else {
            // libpq's `require` and `prefer` encrypt without verifying the certificate.
            tlsConfig.certificateVerification = .none
            tls = sslmode == "require" ? .require(tlsConfig) : .prefer(tlsConfig)
        }
        return Endpoint(host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
                        password: parts.password, database: database.isEmpty ? nil : database, tls: tls)
    }
}
