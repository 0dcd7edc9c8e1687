import Foundation
import Hummingbird
import PacerCore
import PacerOperations
import PacerStore

/// `/v1/sessions`: list and read agent sessions, follow their chains, cancel them and wake a
/// waiting one at once.
public enum SessionRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        let store = services.store
        return [
            APIRoute(.get, "/v1/sessions", scope: .read, doc: OperationDoc(
                "listSessions", "List sessions, newest first", tag: "sessions",
                query: [
                    QueryParameter("schedule", ["type": "string"], "Only sessions of this schedule (id or name)."),
                    QueryParameter("item", ["type": "string"], "Only sessions of this item key."),
                    QueryParameter("state", SessionSchemas.enumeration(SessionSchemas.states), "Only sessions in this state."),
                    QueryParameter("limit", ["type": "integer", "minimum": 1, "maximum": .number(Double(APILimits.maxListLimit)), "default": 50],
                                   "Most sessions to return."),
                    APIPage<SessionViews.Summary>.cursorParameter,
                ],
                responses: [200: ResponseDoc("Sessions, newest first", SessionSchemas.ref("SessionList"))])
            ) { request, _ in
                try jsonResponse(try await list(request, store))
            },

            APIRoute(.get, "/v1/sessions/{id}", scope: .read, doc: OperationDoc(
                "getSession", "A session with its transcript, tool log and events", tag: "sessions",
                responses: [200: ResponseDoc("The session", SessionSchemas.ref("Session"))])
            ) { _, context in
                let session = try await SessionViews.require(try context.path("id"), store)
                return try jsonResponse(try await SessionViews.detail(session, store))
            },

            APIRoute(.get, "/v1/sessions/{id}/chain", scope: .read, doc: OperationDoc(
                "getSessionChain", "A session, its predecessors and the sessions that follow it", tag: "sessions",
                responses: [200: ResponseDoc("The chain", SessionSchemas.ref("SessionChain"))])
            ) { _, context in
                let session = try await SessionViews.require(try context.path("id"), store)
                let chain = try await SessionViews.chain(of: session, store)
                return try jsonResponse(SessionViews.List(sessions: chain.sessions.map(SessionViews.Summary.init),
                                                          next: chain.next.map(SessionViews.Summary.init)))
            },

            APIRoute(.post, "/v1/sessions/{id}/cancel", scope: .run, doc: OperationDoc(
                "cancelSession", "Cancel a pending, running or waiting session", tag: "sessions",
                responses: [200: ResponseDoc("The cancelled session", SessionSchemas.ref("Session"))], errors: [409])
            ) { _, context in
                let session = try await SessionOperations.cancel(try context.path("id"), in: try services.operations(context))
                return try jsonResponse(try await SessionViews.detail(session, store))
            },

            APIRoute(.post, "/v1/sessions/{id}/resume", scope: .run, doc: OperationDoc(
                "resumeSession", "Wake a waiting session now instead of at its resume_at", tag: "sessions",
                responses: [200: ResponseDoc("The session, due now", SessionSchemas.ref("Session"))], errors: [409])
            ) { _, context in
                let session = try await SessionOperations.resumeNow(try context.path("id"), in: try services.operations(context))
                return try jsonResponse(try await SessionViews.detail(session, store))
            },
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] { SessionSchemas.all }

    /// The sessions a list request asks for, newest first.
    static func list(_ request: Request, _ store: any Store) async throws -> APIPage<SessionViews.Summary> {
        let limit = try request.queryInt("limit", default: 50, range: 1...APILimits.maxListLimit)
        var state: Session.State?
        if let text = request.query("state") {
            guard let s = Session.State(rawValue: text) else {
                throw APIError.badRequest("unknown session state '\(text)'; expected \(Session.State.choices)", field: "state")
            }
            state = s
        }
        // An unknown name is taken as an id: sessions outlive a deleted schedule.
        var scheduleID = request.query("schedule")
        if let given = scheduleID { scheduleID = try await SessionViews.schedule(given, store)?.id ?? given }
        let query = SessionQuery(scheduleID: scheduleID, itemKey: request.query("item"), state: state,
                                 after: try request.queryCursor(), limit: limit + 1)
        return APIPage("sessions", fetched: try await store.sessions(query), limit: limit,
                       cursor: { ListCursor(after: $0.createdAt, id: $0.id) }, item: SessionViews.Summary.init)
    }
}
