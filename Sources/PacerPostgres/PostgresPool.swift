import Logging
import PostgresNIO
import Synchronization
import PacerStore

/// The connection pool of a ``PostgresStore``, made to survive outages. PostgresNIO's
/// `PostgresClient` reconnects by itself, but a call has no deadline (a lease waits while the
/// server is gone, and a query sent on a connection that has just closed never completes), so
/// here every call has one: at the deadline the caller gets ``StoreError/timedOut`` and the
/// connection the call holds is closed. Calls that time out without ever getting a
/// connection, several in a row, mean the pool itself is wedged: it is replaced by a new one.
final class PostgresPool: Sendable {
    private struct Current {
        var client: PostgresClient
        var task: Task<Void, Never>
        var generation = 0
    }

    let configuration: PostgresClient.Configuration
    /// Seconds a call may take, lease and queries included.
    let callTimeout: Double
    private let logger: Logger
    private let current: Mutex<Current>
    /// Consecutive calls that timed out waiting for a connection.
    private let strikes = Atomic<Int>(0)
    static let strikesBeforeReplacing = 3

    init(configuration: PostgresClient.Configuration, callTimeout: Double, logger: Logger) {
        var configuration = configuration
        // A closed connection is replaced at once rather than on the next demand (a request
        // queued meanwhile could wait for ever otherwise), idle connections are checked often,
        // and the server ends a statement or an idle transaction that outlives our deadline.
        configuration.options.minimumConnections = min(1, configuration.options.maximumConnections - 1)
        configuration.options.connectTimeout = .seconds(Int64(max(1, min(5, callTimeout.rounded(.up)))))
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        let limit = "\(Int((callTimeout * 1000).rounded()))"
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", limit), ("idle_in_transaction_session_timeout", limit)]
        self.configuration = configuration
        self.callTimeout = callTimeout
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        current = Mutex(Current(client: client, task: Task { await client.run() }))
    }

    /// Runs `body` on a pooled connection within the call timeout (or `timeout` seconds).
    func withConnection<T: Sendable>(timeout: Double? = nil,
                                     _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, generation) = current.withLock { ($0.client, $0.generation) }
        let leased = Leased()
        do {
            let result = try await Deadline.run(seconds: timeout ?? callTimeout, onTimeout: {
                if let connection = leased.connection {
                    let _: EventLoopFuture<Void> = connection.close()  // fails the queries it has in flight
                }
            }) {
                try await client.withConnection { connection in
                    leased.connection = connection
                    return try await body(connection)
                }
            }
            strikes.store(0, ordering: .relaxed)
            return result
        } catch StoreError.timedOut(let seconds) {
            if leased.connection == nil { noteStrike(generation) }
            throw StoreError.timedOut(seconds: seconds)
        }
    }

    /// Runs `body` in one transaction within the call timeout. Written here rather than with
    /// `PostgresClient.withTransaction`, which sends its `ROLLBACK` on a connection the server
    /// has just closed (where it never completes).
    func transaction<T: Sendable>(timeout: Double? = nil,
                                  _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await withConnection(timeout: timeout) { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// One query's rows.
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = logger
        return try await withConnection { try await $0.query(query, logger: logger).collect() }
    }

    /// A call timed out before it had a connection: after a few in a row, the pool of that
    /// generation is replaced (once, whoever notices first).
    private func noteStrike(_ generation: Int) {
        let count = strikes.add(1, ordering: .relaxed).newValue
        guard count >= Self.strikesBeforeReplacing else { return }
        let old = current.withLock { c -> Task<Void, Never>? in
            guard c.generation == generation else { return nil }
            let fresh = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let task = c.task
            c = Current(client: fresh, task: Task { await fresh.run() }, generation: generation + 1)
            return task
        }
        guard let old else { return }
        strikes.store(0, ordering: .relaxed)
        logger.error("the PostgreSQL connection pool gave no connection for \(Self.strikesBeforeReplacing) calls in a row; replaced it with a new one")
        // Shuts the old pool down: its connections close and its waiting leases fail.
        old.cancel()
    }

    /// Shuts the pool down, waiting at most the call timeout for it to end.
    func close() async {
        let task = current.withLock { $0.task }
        task.cancel()
        _ = try? await Deadline.run(seconds: callTimeout) { await task.value }
    }
}

/// The connection a call holds, for its deadline to close.
private final class Leased: Sendable {
    private let value = Mutex<PostgresConnection?>(nil)
    var connection: PostgresConnection? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
