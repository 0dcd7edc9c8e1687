import Foundation
import PacerCore
import PacerStore

/// One `/v1/events` client's stream as server-sent-event text: first `retry: 2000`, then the
/// stored events after its cursor read from the store, then what the hub hands on, with a
/// `: keep-alive` comment when nothing happens. When the hub's pages do not continue where
/// the client is (it subscribed before catching up, or it was slow and its buffer dropped
/// pages), the feed reads the missing events from the store itself, so a client sees every
/// event after its cursor exactly once, in order.
struct EventFeed {
    /// The sequence number of the last event sent.
    private(set) var cursor: Int64
    private let store: any EventStore
    private let subscription: EventHub.Subscription
    private var signals: AsyncStream<EventHub.Signal>.AsyncIterator
    private let pageSize: Int
    private var phase = Phase.start

    private enum Phase { case start, catchUp, live }

    /// Subscribes to the hub at once, so nothing written from now on is missed.
    /// - Parameters:
    ///   - hub: the shared tailer.
    ///   - cursor: send the events after this sequence number.
    init(hub: EventHub, after cursor: Int64) {
        self.cursor = cursor
        self.store = hub.store
        self.subscription = hub.subscribe()
        self.signals = subscription.stream.makeAsyncIterator()
        self.pageSize = hub.configuration.pageSize
    }

    /// Ends the feed: a waiting ``next()`` returns `nil`, and the hub forgets it.
    var stop: @Sendable () -> Void { { [subscription] in subscription.cancel() } }

    /// The next piece of the stream, or `nil` when it is over (stopped, or the store closed).
    /// - Throws: when reading the store fails.
    mutating func next() async throws -> String? {
        while true {
            switch phase {
            case .start:
                phase = .catchUp
                return ServerSentEvents.retry
            case .catchUp:
                let page = try await store.events(after: cursor, limit: pageSize)
                if page.count < pageSize { phase = .live }
                if let last = page.last {
                    cursor = last.sequence
                    return try ServerSentEvents.encode(page)
                }
            case .live:
                guard let signal = await signals.next() else { return nil }
                switch signal {
                case .keepAlive:
                    return ServerSentEvents.keepAlive
                case .events(let after, let events):
                    if after > cursor {
                        // Pages were missed: read from where this client is.
                        phase = .catchUp
                        continue
                    }
                    let fresh = events.filter { $0.sequence > cursor }
                    if let last = fresh.last {
                        cursor = last.sequence
                        return try ServerSentEvents.encode(fresh)
                    }
                }
            }
        }
    }
}

/// The text of `/v1/events` (the server-sent events format of the HTML standard).
enum ServerSentEvents {
    /// Tells the browser to reconnect after 2 s.
    static let retry = "retry: 2000\n\n"
    /// A comment that keeps proxies from closing an idle stream.
    static let keepAlive = ": keep-alive\n\n"

    /// The `data` of an event.
    struct Payload: Encodable {
        var sequence: Int64
        var kind: Event.Kind
        var entityID: String
        var at: Date

        enum CodingKeys: String, CodingKey { case sequence, kind, entityID = "entity_id", at }
    }

    /// `id: <sequence>`, `event: <kind>` and `data: {"sequence","kind","entity_id","at"}`.
    static func encode(_ event: StoredEvent) throws -> String {
        let payload = Payload(sequence: event.sequence, kind: event.event.kind, entityID: event.event.entityID, at: event.event.at)
        let data = String(decoding: try PacerJSON.encode(payload), as: UTF8.self)
        return "id: \(event.sequence)\nevent: \(event.event.kind.rawValue)\ndata: \(data)\n\n"
    }

    /// Several events, one after the other.
    static func encode(_ events: [StoredEvent]) throws -> String {
        try events.map(encode).joined()
    }
}
