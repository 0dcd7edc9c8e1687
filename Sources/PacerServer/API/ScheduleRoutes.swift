import Foundation
import HTTPTypes
import PacerCore

/// `/v1/schedules`: list, create, show, change, delete, pause, resume, Run Now, runs,
/// revisions and rollback. A schedule is named in paths by its id or its name.
public enum ScheduleRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        let view = ResponseDoc("The schedule with its state and description", Schema.ref("ScheduleView"))
        let limit = { (n: Int) in
            QueryParameter("limit", Schema.integer(1...APILimits.maxListLimit), "Most items to return (default \(n))")
        }
        return [
            APIRoute(.get, "/v1/schedules", scope: .read, doc: OperationDoc(
                "listSchedules", "List schedules, ordered by name", tag: "schedules",
                query: [limit(APILimits.maxListLimit),
                        QueryParameter("after", Schema.string, "Only schedules whose name sorts after this one (the last name of the previous page)")],
                responses: [200: ResponseDoc("Schedules", list("schedules", Schema.ref("ScheduleView")))])
            ) { request, _ in try await list(request, services) },

            APIRoute(.post, "/v1/schedules", scope: .write, doc: OperationDoc(
                "createSchedule", "Create a schedule (command targets and allow_all agents need the admin scope)", tag: "schedules",
                requestBody: Schema.ref("ScheduleInput"),
                responses: [201: ResponseDoc("The schedule as stored", Schema.ref("ScheduleView"))], errors: [409, 422])
            ) { request, context in try await create(request, context, services) },

            APIRoute(.get, "/v1/schedules/{id}", scope: .read, doc: OperationDoc(
                "getSchedule", "Show a schedule (by id or name)", tag: "schedules", responses: [200: view])
            ) { _, context in try await show(context, services) },

            APIRoute(.patch, "/v1/schedules/{id}", scope: .write, doc: OperationDoc(
                "updateSchedule", "Change a schedule; records a new revision", tag: "schedules",
                requestBody: Schema.ref("SchedulePatch"), responses: [200: view], errors: [409, 422])
            ) { request, context in try await update(request, context, services) },

            APIRoute(.delete, "/v1/schedules/{id}", scope: .write, doc: OperationDoc(
                "deleteSchedule", "Delete a schedule with its state and runs (its revisions stay)", tag: "schedules",
                responses: [204: ResponseDoc("Deleted", nil)])
            ) { _, context in try await delete(context, services) },

            APIRoute(.post, "/v1/schedules/{id}/pause", scope: .write, doc: OperationDoc(
                "pauseSchedule", "Pause a schedule", tag: "schedules",
                requestBody: ["type": "object", "additionalProperties": false,
                              "properties": ["reason": ["type": ["string", "null"], "minLength": 1, "maxLength": 1000, "pattern": "\\S"]]],
                bodyRequired: false, responses: [200: view], errors: [422])
            ) { request, context in try await pause(request, context, services) },

            APIRoute(.post, "/v1/schedules/{id}/resume", scope: .write, doc: OperationDoc(
                "resumeSchedule", "Resume a paused schedule (clears its failure count)", tag: "schedules", responses: [200: view])
            ) { _, context in try await resume(context, services) },

            APIRoute(.post, "/v1/schedules/{id}/run", scope: .run, doc: OperationDoc(
                "runSchedule", "Run Now: queue a manual run that the engine starts", tag: "schedules",
                responses: [202: ResponseDoc("The queued run", Schema.ref("Run"))], errors: [409])
            ) { _, context in try await runNow(context, services) },

            APIRoute(.post, "/v1/schedules/{id}/backfill", scope: .run, doc: OperationDoc(
                "backfillSchedule", """
                    Backfill: queue a run (trigger backfill) for each fire the rule would have made from `from` to `to` \
                    (both included, exclusions left out), one at a time, or side by side with `overlap` allow. Fires that ran \
                    already are left alone; a window of more than `limit` (default 10000) fires is refused
                    """, tag: "schedules",
                requestBody: ScheduleSchemas.backfillInput,
                responses: [202: ResponseDoc("What was queued", ScheduleSchemas.backfillOutcome)], errors: [422])
            ) { request, context in try await backfill(request, context, services) },

            APIRoute(.get, "/v1/schedules/{id}/runs", scope: .read, doc: OperationDoc(
                "listScheduleRuns", "A schedule's runs, newest first", tag: "schedules", query: [limit(50), APIPage<Run>.cursorParameter],
                responses: [200: ResponseDoc("Runs", APIPage<Run>.schema("runs", Schema.ref("Run")))])
            ) { request, context in try await runs(request, context, services) },

            APIRoute(.get, "/v1/schedules/{id}/revisions", scope: .read, doc: OperationDoc(
                "listScheduleRevisions", "A schedule's recorded definitions, oldest first", tag: "schedules",
                responses: [200: ResponseDoc("Revisions", list("revisions", Schema.ref("Revision")))])
            ) { _, context in try await revisions(context, services) },

            APIRoute(.post, "/v1/schedules/{id}/rollback", scope: .write, doc: OperationDoc(
                "rollbackSchedule", "Restore a past revision's definition as a new revision", tag: "schedules",
                requestBody: ["type": "object", "required": ["revision"], "additionalProperties": false,
                              "properties": ["revision": Schema.integer(min: 1)]],
                responses: [200: view], errors: [409, 422])
            ) { request, context in try await rollback(request, context, services) },
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] { ScheduleSchemas.all }

    /// `{"NAME": [ITEM]}`.
    static func list(_ name: String, _ item: JSONValue) -> JSONValue {
        .object(["type": "object", "required": .array([.string(name)]),
                 "properties": .object([name: ["type": "array", "items": item]])])
    }
}
