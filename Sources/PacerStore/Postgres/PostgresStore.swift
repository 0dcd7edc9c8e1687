import Foundation
import Logging
import NIOSSL
import PacerCore
import PostgresNIO

/// A ``Store`` on PostgreSQL, shared safely by any number of replicas: a connection pool
/// (`PostgresClient`), claims with `FOR UPDATE SKIP LOCKED`, the change signal over
/// `LISTEN/NOTIFY`, the schema migrated on open under an advisory lock.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    let clock: @Sendable () -> Date
    let changeHub: PostgresChangeHub
    /// Decoded cadences of claimed schedules, per revision.
    let cadences = PostgresCadenceCache()
    private let poolTask: Task<Void, Never>

    /// Connects, migrates the schema and starts listening for changes.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`; `sslmode=disable` (or a loopback
    ///     host) turns TLS off, `sslmode=require` requires it, otherwise TLS is preferred.
    ///   - maximumConnections: the pool's size.
    ///   - clock: the instant of changes (revision times, rollbacks); the system clock unless a
    ///     test fixes it.
    public init(url: String, maximumConnections: Int = 8,
                clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        let endpoint = try Self.endpoint(url)
        let listenConfiguration = try endpoint.connectionConfiguration()
        var config = endpoint.clientConfiguration
        config.options.maximumConnections = maximumConnections
        var logger = Logger(label: "pacer.store.postgres")
        logger.logLevel = .warning
        // Quiet about the first lease racing `run()` starting in its task (the lease waits).
        var poolLogger = logger
        poolLogger.logLevel = .error
        let client = PostgresClient(configuration: config, backgroundLogger: poolLogger)
        self.client = client
        self.logger = logger
        self.clock = clock
        poolTask = Task { await client.run() }
        changeHub = PostgresChangeHub(configuration: listenConfiguration, logger: logger)
        do {
            // The listener's own connection first: a wrong password or a closed port fails
            // here at once, where a pooled lease would wait for the pool to retry.
            try await changeHub.start()
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            await changeHub.stop()
            poolTask.cancel()
            await poolTask.value
            throw error
        }
    }

    public func changes() -> AsyncStream<Void> {
        changeHub.subscribe()
    }

    public func close() async throws {
        await changeHub.stop()
        poolTask.cancel()
        await poolTask.value
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on a pooled connection; errors thrown by `body` come out
    /// as they were thrown, unique violations as ``StoreError`` where `body` maps them.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let result = try await Self.transaction(client, logger: logger, body)
        changeHub.signal()
        return result
    }

    /// A read on a pooled connection.
    func read(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }

    static func transaction<T: Sendable>(_ client: PostgresClient, logger: Logger,
                                         _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { c in try await body(c) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
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
