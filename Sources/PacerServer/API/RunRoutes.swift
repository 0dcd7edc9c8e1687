import Foundation
import Hummingbird
import PacerCore
import PacerStore

/// `/v1/runs`: runs across schedules, filtered by schedule and status, one run by id, a run's
/// whole fire (its attempts and continuations), and cancelling that fire.
public enum RunRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        [
            APIRoute(.get, "/v1/runs", scope: .read, doc: OperationDoc(
                "listRuns", "List runs, newest first", tag: "runs",
                query: [
                    QueryParameter("schedule", Schema.string, "Only runs of this schedule (id or name)"),
                    QueryParameter("status", Schema.enumeration(Run.Status.self), "Only runs with this status"),
                    QueryParameter("limit", Schema.integer(1...APILimits.maxListLimit), "Most runs to return (default 100)"),
                    APIPage<Run>.cursorParameter,
                ],
                responses: [200: ResponseDoc("Runs", APIPage<Run>.schema("runs", Schema.ref("Run")))], errors: [404])
            ) { request, _ in try await list(request, services.store) },

            APIRoute(.get, "/v1/runs/{id}", scope: .read, doc: OperationDoc(
                "getRun", "Show a run", tag: "runs", responses: [200: ResponseDoc("The run", Schema.ref("Run"))])
            ) { _, context in
                let id = try context.reference("id", kind: "run")
                guard let run = try await services.store.run(id: id) else { throw APIError.notFound("run", String(id.prefix(200))) }
                return try jsonResponse(run)
            },

            APIRoute(.get, "/v1/runs/{id}/fire", scope: .read, doc: OperationDoc(
                "getRunFire", "A run's fire: every attempt and continuation of it, in order", tag: "runs",
                responses: [200: ResponseDoc("The fire's runs, by step then attempt",
                                             ScheduleRoutes.list("runs", Schema.ref("Run")))], errors: [404])
            ) { _, context in
                let id = try context.reference("id", kind: "run")
                return try jsonResponse(["runs": try await services.store.fireRuns(of: id)])
            },

            APIRoute(.post, "/v1/runs/{id}/cancel", scope: .run, doc: OperationDoc(
                "cancelRun", "Cancel a run's whole fire: its unfinished attempts and continuations, and the session they drive",
                tag: "runs",
                responses: [200: ResponseDoc("The fire's runs after the cancel", ScheduleRoutes.list("runs", Schema.ref("Run")))],
                errors: [404, 409])
            ) { _, context in
                let id = try context.reference("id", kind: "run")
                let caller = context.caller?.name ?? "local"
                return try jsonResponse(["runs": try await cancelFire(id, by: caller, services.store, at: services.clock.now())])
            },
        ]
    }

    /// Cancels the fire of run `id`.
    /// - Throws: ``APIError`` 404, or 409 when every run of the fire is over already.
    static func cancelFire(_ id: String, by caller: String, _ store: any Store, at now: Date) async throws -> [Run] {
        let fire = try await store.fireRuns(of: id)
        guard fire.contains(where: { !$0.status.isTerminal }) else {
            throw APIError.conflict("every run of run \(id)'s fire is over already; nothing to cancel", field: "id")
        }
        return try await store.cancelFire(of: id, reason: "cancelled by \(caller)", at: now)
    }

    /// Their named schemas (`Run` is among the schedules' schemas).
    public static var schemas: [String: JSONValue] { [:] }

    /// `GET /v1/runs`: a page, newest scheduled instant first, filtered by schedule and status.
    static func list(_ request: Request, _ store: any Store) async throws -> Response {
        let limit = try request.queryInt("limit", default: 100, range: 1...APILimits.maxListLimit)
        var status: Run.Status?
        if let text = request.query("status") {
            guard let s = Run.Status(rawValue: text) else {
                throw APIError.badRequest("unknown run status '\(text.prefix(100))'; expected \(Run.Status.choices)", field: "status")
            }
            status = s
        }
        var scheduleID: String?
        if let reference = request.query("schedule") {
            guard !reference.isEmpty else { throw APIError.badRequest("schedule must not be empty", field: "schedule") }
            scheduleID = try await store.apiSchedule(reference).id
        }
        return try jsonResponse(try await page(store, RunQuery(scheduleID: scheduleID, status: status, after: try request.queryCursor(),
                                                                limit: limit)))
    }

    /// One page of runs, newest scheduled instant first, with the cursor of the next.
    static func page(_ store: any Store, _ query: RunQuery) async throws -> APIPage<Run> {
        var fetch = query
        fetch.limit = query.limit + 1
        return APIPage("runs", fetched: try await store.runs(fetch), limit: query.limit,
                       cursor: { ListCursor(after: $0.scheduledAt, id: $0.id) }, item: { $0 })
    }
}
