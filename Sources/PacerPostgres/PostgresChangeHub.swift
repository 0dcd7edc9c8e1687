import Foundation
import Logging
import PostgresNIO
import Synchronization
import PacerStore

/// The change signal of a ``PostgresStore``: one dedicated connection `LISTEN`s on
/// `pacer_changes` (every write transaction sends `NOTIFY`), and each notification, each
/// local write and each reconnect wakes every subscriber. Reconnects with a short backoff
/// when the connection drops, and a probe every few seconds closes a connection that no
/// longer answers (a server gone without closing it), so the listener reconnects then too.
final class PostgresChangeHub: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<Void>.Continuation] = [:]
        var connection: PostgresConnection?
        var task: Task<Void, Never>?
        var closed = false
    }

    private let configuration: PostgresConnection.Configuration
    private let callTimeout: Double
    private let logger: Logger
    private let state = Mutex(State())
    static let probeInterval: Duration = .seconds(5)

    init(configuration: PostgresConnection.Configuration, callTimeout: Double, logger: Logger) {
        var configuration = configuration
        configuration.options.connectTimeout = .seconds(Int64(max(1, min(5, callTimeout.rounded(.up)))))
        self.configuration = configuration
        self.callTimeout = callTimeout
        self.logger = logger
    }

    /// A new subscription; it ends when the store is closed.
    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let added = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.subscribers[id] = continuation
            return true
        }
        if !added { continuation.finish(); return stream }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Wakes every subscriber.
    func signal() {
        for c in state.withLock({ Array($0.subscribers.values) }) { c.yield() }
    }

    /// Starts the listener and returns once the first `LISTEN` is in place.
    func start() async throws {
        let (ready, readyContinuation) = AsyncThrowingStream.makeStream(of: Void.self)
        let task = Task { await self.listen(ready: readyContinuation) }
        state.withLock { $0.task = task }
        for try await _ in ready { return }
    }

    private func listen(ready: AsyncThrowingStream<Void, any Error>.Continuation) async {
        var connectionID = 0
        var firstAttempt = true
        var backoff = 0.25
        while !Task.isCancelled && !state.withLock({ $0.closed }) {
            connectionID += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: connectionID, logger: logger)
                let open = state.withLock { s -> Bool in
                    if s.closed { return false }
                    s.connection = connection
                    return true
                }
                if !open { try? await connection.close(); break }
                let probe = Task { await self.probe(connection) }
                defer { probe.cancel() }
                try await connection.listen(on: PostgresSchema.channel) { notifications in
                    ready.yield()
                    // A reconnect may have missed notifications: consumers re-read.
                    if !firstAttempt { signal() }
                    firstAttempt = false
                    backoff = 0.25
                    for try await _ in notifications { signal() }
                }
            } catch {
                if firstAttempt { ready.finish(throwing: error); return }
                logger.warning("pacer_changes listener lost its connection; reconnecting", metadata: [
                    "error": "\(StoreFailure.describe(error))"])
            }
            let old = state.withLock { s in defer { s.connection = nil }; return s.connection }
            if let old { await close(old) }
            try? await Task.sleep(for: .seconds(backoff))
            backoff = min(backoff * 2, 2)
        }
        ready.finish()
    }

    /// Closes the connection when it stops answering a `SELECT 1` within the call timeout:
    /// the listen above then throws and the loop reconnects.
    private func probe(_ connection: PostgresConnection) async {
        let logger = logger
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.probeInterval)
                _ = try await Deadline.run(seconds: callTimeout) {
                    try await connection.query("SELECT 1", logger: logger).collect().count
                }
            } catch is CancellationError {
                return
            } catch {
                let _: EventLoopFuture<Void> = connection.close()
                return
            }
        }
    }

    /// Closes a connection, waiting (at most the call timeout) until it is closed.
    private func close(_ connection: PostgresConnection) async {
        _ = try? await Deadline.run(seconds: callTimeout) { try await connection.close() }
    }

    /// Ends every subscription, stops listening and closes the listener's connection.
    func stop() async {
        let (subscribers, connection, task) = state.withLock { s in
            s.closed = true
            defer { s.subscribers = [:]; s.connection = nil }
            return (Array(s.subscribers.values), s.connection, s.task)
        }
        for c in subscribers { c.finish() }
        task?.cancel()
        if let connection { await close(connection) }
        if let task { _ = try? await Deadline.run(seconds: callTimeout) { await task.value } }
    }
}
