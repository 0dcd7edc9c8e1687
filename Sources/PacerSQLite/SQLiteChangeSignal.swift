import Foundation
import GRDB
import PacerStore
import Synchronization

/// The change signal of a ``SQLiteStore``: every subscriber's stream gets an element after
/// each local commit (``notify()``) and when `PRAGMA data_version` on a dedicated read
/// connection moves, which is how writes by other processes show up.
///
/// The poller starts with the first subscription and stops on ``close()``.
final class SQLiteChangeSignal: Sendable {
    private struct State {
        var subscribers: [UInt64: AsyncStream<Void>.Continuation] = [:]
        var nextID: UInt64 = 0
        var poller: Task<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())
    private let path: String
    private let interval: Duration

    /// - Parameters:
    ///   - path: the database file the poller watches.
    ///   - interval: time between two `data_version` reads.
    init(path: String, interval: Duration = .milliseconds(200)) {
        self.path = path
        self.interval = interval
    }

    /// A new subscription; it finishes when the signal is closed.
    func subscribe() -> AsyncStream<Void> {
        // One pending element is enough: consumers re-read the store.
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id: UInt64? = state.withLock { s in
            guard !s.closed else { return nil }
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            if s.poller == nil { s.poller = startPolling() }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Wakes every subscriber.
    func notify() {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for continuation in subscribers { continuation.yield() }
    }

    /// Stops the poller and finishes every stream. Later subscriptions finish at once.
    func close() async {
        let (poller, subscribers) = state.withLock { s in
            s.closed = true
            defer {
                s.poller = nil
                s.subscribers = [:]
            }
            return (s.poller, Array(s.subscribers.values))
        }
        poller?.cancel()
        await poller?.value
        for continuation in subscribers { continuation.finish() }
    }

    /// Opens the poller's connection and takes its first reading at once, so a write made
    /// right after the first subscription is not mistaken for the baseline.
    private func startPolling() -> Task<Void, Never>? {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(1)
        config.label = "pacer.changes"
        guard let connection = try? DatabaseQueue(path: path, configuration: config) else { return nil }
        let read = { try? connection.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") } }
        var seen = read()
        let interval = interval
        return Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let signal = self else { break }  // the store was dropped without close()
                if let version = read() {
                    if let seen, seen != version { signal.notify() }
                    seen = version
                }
            }
            try? connection.close()
        }
    }
}
