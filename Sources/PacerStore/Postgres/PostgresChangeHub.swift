import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The change signal of a ``PostgresStore``: one dedicated connection `LISTEN`s on
/// `pacer_changes` (every write transaction sends `NOTIFY`), and each notification, each
/// local write and each reconnect wakes every subscriber. Reconnects with a short backoff
/// when the connection drops.
final class PostgresChangeHub: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<Void>.Continuation] = [:]
        var connection: PostgresConnection?
        var task: Task<Void, Never>?
        var closed = false
    }

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
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
                try await connection.listen(on: PostgresSchema.channel) { notifications in
                    ready.yield()
                    // A reconnect may have missed notifications: consumers re-read.
                    if !firstAttempt { signal() }
                    firstAttempt = false
                    for try await _ in notifications { signal() }
                }
            } catch {
                if firstAttempt { ready.finish(throwing: error); return }
                logger.debug("pacer_changes listener: \(error)")
            }
            let old = state.withLock { s in defer { s.connection = nil }; return s.connection }
            try? await old?.close()
            try? await Task.sleep(for: .milliseconds(250))
        }
        ready.finish()
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
        try? await connection?.close()
        await task?.value
    }
}
