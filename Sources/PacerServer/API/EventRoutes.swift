import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PacerCore
import PacerStore
import ServiceLifecycle

/// `/v1/events`: the store's events as server-sent events, for the dashboard and
/// `pacer watch`.
public enum EventRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        routes(hub: EventHub(store: services.store))
    }

    /// The routes, fed by `hub` (tests pass one with a short keep-alive).
    static func routes(hub: EventHub) -> [APIRoute] {
        let store = hub.store
        return [
            APIRoute(.get, "/v1/events", scope: .read, doc: OperationDoc(
                "streamEvents", "Follow the store's events as server-sent events", tag: "events",
                query: [QueryParameter("after", ["type": "integer", "minimum": 0],
                                       "Replay the events after this sequence number first (else after the Last-Event-ID header, else only new events).")],
                responses: [200: ResponseDoc(
                    "A stream that does not end by itself: `retry: 2000`, then for each event `id: <sequence>`, `event: <kind>` and `data: <Event as JSON>`, and a `: keep-alive` comment every 15 s.",
                    ["type": "string"], contentType: "text/event-stream")])
            ) { request, _ in
                let cursor = try await startCursor(request, store)
                return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                    var feed = EventFeed(hub: hub, after: cursor)
                    let stop = feed.stop
                    defer { stop() }
                    do {
                        try await withGracefulShutdownHandler {
                            while let chunk = try await feed.next() {
                                try await writer.write(ByteBuffer(string: chunk))
                            }
                        } onGracefulShutdown: {
                            stop()
                        }
                    } catch {
                        // The client went away (a write failed) or the store failed: end the
                        // stream; a browser reconnects with Last-Event-ID.
                        hub.logger.debug("event stream ended", metadata: ["error": "\(error)"])
                    }
                    try? await writer.finish(nil)
                })
            },
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] {
        [
            "Event": SessionSchemas.object(
                "The data of one server-sent event of /v1/events; the event's id is its sequence and its name its kind.",
                required: ["sequence", "kind", "entity_id", "at"],
                [
                    "sequence": ["type": "integer", "minimum": 1, "description": "Increases with every write; pass it back as after or Last-Event-ID."],
                    "kind": SessionSchemas.enumeration(Event.Kind.allCases.map(\.rawValue)),
                    "entity_id": ["type": "string", "description": "The id of the schedule, run, session, agent, ... that changed."],
                    "at": SessionSchemas.instant,
                ]),
        ]
    }

    static let headers: HTTPFields = [
        .contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// Where a client starts: after `after`, else after its `Last-Event-ID` (a browser
    /// reconnecting), else after the newest stored event.
    /// - Throws: ``APIError`` 400 for a bad `after`.
    static func startCursor(_ request: Request, _ store: any EventStore) async throws -> Int64 {
        if request.query("after") != nil {
            return Int64(try request.queryInt("after", default: 0, range: 0...Int.max))
        }
        if let text = request.headers[lastEventID], let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 {
            return id
        }
        return try await store.lastEventSequence()
    }
}
