import PacerSQLite
import Foundation
import HTTPTypes
import HummingbirdTesting
import PacerCore
@testable import PacerServer
import PacerStore
import Testing

/// One block of a server-sent events stream.
struct SSEMessage: Equatable, Sendable {
    var id: String?
    var event: String?
    var data: String?
    var retry: String?
    var comment: String?

    /// The blocks of a text made of whole blocks (each ends with a blank line).
    static func parse(_ text: String) -> [SSEMessage] {
        text.components(separatedBy: "\n\n").dropLast().map { block in
            var m = SSEMessage()
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { m.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces); continue }
                let parts = line.split(separator: ":", maxSplits: 1)
                let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                switch parts.first {
                case "id": m.id = value
                case "event": m.event = value
                case "data": m.data = value
                case "retry": m.retry = value
                default: break
                }
            }
            return m
        }
    }

    /// The `data` as JSON.
    var json: JSONValue { data.flatMap { try? PacerJSON.decode(JSONValue.self, from: Data($0.utf8)) } ?? .null }
}

extension EventFeed {
    /// The next events (skipping keep-alives) until `count` were read.
    mutating func events(_ count: Int) async throws -> [SSEMessage] {
        var out: [SSEMessage] = []
        while out.count < count {
            guard let chunk = try await next() else { break }
            out += SSEMessage.parse(chunk).filter { $0.id != nil }
        }
        return out
    }
}

@Suite(.timeLimit(.minutes(1))) struct EventFeedTests {
    @Test func encode_writesIDEventAndData() throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000.25)
        let text = try ServerSentEvents.encode(StoredEvent(sequence: 42, event: Event(kind: .runFinished, entityID: "run_1", at: at)))
        #expect(text == """
            id: 42
            event: run_finished
            data: {"at":"2027-01-15T08:00:00.250Z","entity_id":"run_1","kind":"run_finished","sequence":42}


            """)
        #expect(ServerSentEvents.retry == "retry: 2000\n\n" && ServerSentEvents.keepAlive == ": keep-alive\n\n")
    }

    @Test func feed_replaysAfterItsCursor_thenFollowsNewEvents_inOrder() async throws {
        let bench = try APIBench.make()
        let before = try await bench.fixtureSession(at: 1)
        let cursor = try await bench.store.lastEventSequence()
        let older = try await bench.fixtureSession(at: 2)
        let hub = EventHub(store: bench.store)
        var replay = EventFeed(hub: hub, after: 0)
        var live = EventFeed(hub: hub, after: cursor)
        #expect(try await replay.next() == "retry: 2000\n\n")
        #expect(try await live.next() == "retry: 2000\n\n")
        let first = try await replay.events(2)
        #expect(first.map { $0.json.strMember("entity_id") } == [before.id, older.id])
        #expect(try await live.events(1).map { $0.json.strMember("entity_id") } == [older.id])

        // Written after both caught up: handed on by the hub.
        var written: [String] = []
        for i in 0..<5 { written.append(try await bench.fixtureSession(at: Double(10 + i)).id) }
        for var feed in [replay, live] {
            let got = try await feed.events(5)
            #expect(got.map { $0.json.strMember("entity_id") } == written)
            #expect(got.allSatisfy { $0.event == "session_changed" && $0.json.strMember("kind") == "session_changed" })
            let ids = got.compactMap { $0.id.flatMap(Int64.init) }
            #expect(ids == ids.sorted() && Set(ids).count == 5)
            #expect(got.map { $0.json["sequence"] } == ids.map { .number(Double($0)) })
            #expect(feed.cursor == ids.last)
        }
        replay.stop()
        live.stop()
        await bench.close()
    }

    @Test func feed_aSlowClient_holdsUpNoOne_andLaterGetsEveryEventOnce() async throws {
        let bench = try APIBench.make()
        // Two signals of two events each per subscriber: the slow one must drop pages.
        let hub = EventHub(store: bench.store, configuration: .init(pageSize: 2, buffer: 2))
        let cursor = try await bench.store.lastEventSequence()
        var slow = EventFeed(hub: hub, after: cursor)
        var fast = EventFeed(hub: hub, after: cursor)
        _ = try await slow.next()
        _ = try await fast.next()
        // The slow client reads nothing meanwhile; the other gets each round at once.
        var written: [String] = []
        for round in 0..<3 {
            var batch: [String] = []
            for i in 0..<10 { batch.append(try await bench.fixtureSession(at: Double(round * 10 + i)).id) }
            written += batch
            #expect(try await fast.events(10).map { $0.json.strMember("entity_id") } == batch)
        }
        #expect(hub.subscriberCount == 2)
        let late = try await slow.events(30)
        #expect(late.map { $0.json.strMember("entity_id") } == written)
        #expect(Set(late.map(\.id)).count == 30)
        slow.stop()
        fast.stop()
        await bench.close()
    }

    @Test func feed_sendsKeepAlives_andStopEndsIt() async throws {
        let bench = try APIBench.make()
        let hub = EventHub(store: bench.store, configuration: .init(keepAlive: .milliseconds(50)))
        var feed = EventFeed(hub: hub, after: try await bench.store.lastEventSequence())
        #expect(try await feed.next() == ServerSentEvents.retry)
        #expect(try await feed.next() == ServerSentEvents.keepAlive)
        #expect(hub.subscriberCount == 1)
        let stop = feed.stop
        Task {
            try await Task.sleep(for: .milliseconds(20))
            stop()
        }
        while let chunk = try await feed.next() { #expect(chunk == ServerSentEvents.keepAlive) }
        #expect(hub.subscriberCount == 0)
        // A new client starts the hub again.
        var again = EventFeed(hub: hub, after: try await bench.store.lastEventSequence())
        _ = try await again.next()
        let s = try await bench.fixtureSession(at: 1)
        #expect(try await again.events(1).first?.json.strMember("entity_id") == s.id)
        again.stop()
        await bench.close()
    }

    @Test func feed_endsWhenTheStoreCloses() async throws {
        let bench = try APIBench.make()
        let hub = EventHub(store: bench.store)
        var feed = EventFeed(hub: hub, after: 0)
        _ = try await feed.next()
        _ = try await bench.fixtureSession(at: 1)
        #expect(try await feed.events(1).count == 1)
        try await bench.store.close()
        #expect(try await feed.next() == nil)
        await bench.close()
    }

    @Test(arguments: ["after=-1", "after=x", "after=1.5", "after=99999999999999999999"])
    func route_aBadAfter_is400NamingIt(query: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/events?" + query, method: .get)
            #expect(r.status == .badRequest && r.json.errorPair.field == "after", "\(r.text)")
        }
        await bench.close()
    }

    @Test func route_isDocumentedAsAnEventStream() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            let op = doc["paths"]?["/v1/events"]?["get"]
            #expect(op?["responses"]?["200"]?["content"]?["text/event-stream"] != nil)
            #expect(op?["x-pacer-scope"] == "read")
            #expect(doc["components"]?["schemas"]?["Event"]?["required"] == ["sequence", "kind", "entity_id", "at"])
        }
        await bench.close()
    }
}
