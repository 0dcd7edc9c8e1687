import Foundation
import Logging
import PacerStore
import Synchronization

/// Follows the store's events for every `/v1/events` client at once: while anyone listens,
/// one task waits on ``PacerStore/Store/changes()``, reads each new page of events once and
/// hands it to every subscriber. Handing on never waits: each subscriber has its own bounded
/// buffer, so a slow client holds up nobody else; when its buffer overflows it drops its
/// oldest pages and later re-reads what it missed from the store (see ``EventFeed``).
final class EventHub: Sendable {
    /// Options of the hub.
    struct Configuration: Sendable {
        /// Time between two keep-alive signals.
        var keepAlive: Duration
        /// Most events read at once.
        var pageSize: Int
        /// Most signals a subscriber holds before it drops its oldest.
        var buffer: Int

        /// - Parameters:
        ///   - keepAlive: time between keep-alive signals (15 s).
        ///   - pageSize: most events read at once (500).
        ///   - buffer: most signals held per subscriber (64).
        init(keepAlive: Duration = .seconds(15), pageSize: Int = 500, buffer: Int = 64) {
            self.keepAlive = keepAlive
            self.pageSize = pageSize
            self.buffer = buffer
        }
    }

    /// What a subscriber receives.
    enum Signal: Sendable {
        /// New events, oldest first, read after the sequence number `after`.
        case events(after: Int64, [StoredEvent])
        /// Nothing happened for a while.
        case keepAlive
    }

    private struct State {
        var subscribers: [UInt64: AsyncStream<Signal>.Continuation] = [:]
        var nextID: UInt64 = 0
        var tailer: Task<Void, Never>?
        /// Set when the store's change stream ended: the store is closed.
        var closed = false
    }

    let store: any EventStore
    let configuration: Configuration
    let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - store: the store to follow.
    ///   - configuration: options.
    ///   - logger: where read failures go.
    init(store: any EventStore, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "pacer.events")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// How many clients listen.
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A new subscription, starting the tailer for the first one. Its stream ends when it is
    /// cancelled or the store is closed.
    func subscribe() -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(of: Signal.self,
                                                            bufferingPolicy: .bufferingNewest(configuration.buffer))
        let id: UInt64? = state.withLock { s in
            guard !s.closed else { return nil }
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            if s.tailer == nil { s.tailer = Task { await self.tail() } }
            return id
        }
        guard let id else {
            continuation.finish()
            return Subscription(stream: stream, continuation: continuation)
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return Subscription(stream: stream, continuation: continuation)
    }

    /// One client's signals.
    struct Subscription: Sendable {
        /// The signals.
        let stream: AsyncStream<Signal>
        let continuation: AsyncStream<Signal>.Continuation

        /// Ends the stream (at once for a waiting reader) and leaves the hub.
        func cancel() { continuation.finish() }
    }

    private func remove(_ id: UInt64) {
        let tailer: Task<Void, Never>? = state.withLock { s in
            s.subscribers.removeValue(forKey: id)
            guard s.subscribers.isEmpty, let tailer = s.tailer else { return nil }
            s.tailer = nil
            return tailer
        }
        tailer?.cancel()
    }

    private func broadcast(_ signal: Signal) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for continuation in subscribers { continuation.yield(signal) }
    }

    /// Reads new events after every change of the store and hands them on, with a keep-alive
    /// between; runs until cancelled (no subscriber left) or the store closes.
    private func tail() async {
        // Subscribe before reading the cursor: a write in between still signals.
        let changes = store.changes()
        let storeClosed = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: self.configuration.keepAlive) } catch { break }
                    self.broadcast(.keepAlive)
                }
                return false
            }
            group.addTask {
                var cursor: Int64?
                var iterator = changes.makeAsyncIterator()
                repeat {
                    do {
                        if cursor == nil { cursor = try await self.store.lastEventSequence() }
                        cursor = try await self.readNew(after: cursor!)
                    } catch {
                        if Task.isCancelled { return false }
                        self.logger.warning("reading store events failed", metadata: ["error": "\(StoreFailure.describe(error))"])
                    }
                } while await iterator.next() != nil
                return !Task.isCancelled
            }
            let closed = await group.next() ?? false
            group.cancelAll()
            return closed
        }
        guard storeClosed else { return }
        let subscribers = state.withLock { s in
            s.closed = true
            s.tailer = nil
            return Array(s.subscribers.values)
        }
        for continuation in subscribers { continuation.finish() }
    }

    /// Hands on every event after `cursor`, page by page.
    /// - Returns: the new cursor.
    private func readNew(after cursor: Int64) async throws -> Int64 {
        var cursor = cursor
        while true {
            let page = try await store.events(after: cursor, limit: configuration.pageSize)
            guard let last = page.last else { return cursor }
            broadcast(.events(after: cursor, page))
            cursor = last.sequence
            if page.count < configuration.pageSize { return cursor }
        }
    }
}
