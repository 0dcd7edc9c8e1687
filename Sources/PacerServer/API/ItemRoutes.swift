import Foundation
import Hummingbird
import PacerCore
import PacerStore

/// `/v1/schedules/{id}/items`: the items of a per-item schedule, each with its runs and its
/// chain of sessions.
public enum ItemRoutes {
    /// Most runs of a schedule read to find its items.
    static let runScanLimit = 10_000
    /// Most sessions listed per item.
    static let sessionsPerItem = 50

    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        let store = services.store
        return [
            APIRoute(.get, "/v1/schedules/{id}/items", scope: .read, doc: OperationDoc(
                "listScheduleItems", "The items of a per-item schedule with their runs and sessions, newest activity first",
                tag: "schedules",
                responses: [200: ResponseDoc("The items", SessionSchemas.ref("ItemList"))])
            ) { _, context in
                let idOrName = try context.path("id")
                guard let schedule = try await SessionViews.schedule(idOrName, store) else {
                    throw APIError.notFound("schedule", idOrName)
                }
                return try jsonResponse(ItemList(items: try await items(of: schedule.id, store)))
            },
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] {
        [
            "ItemList": SessionSchemas.object("The items of a schedule, newest activity first.", required: ["items"],
                                              ["items": SessionSchemas.arrayOf("ItemView")]),
            "ItemView": SessionSchemas.object(
                "One item of a per-item schedule: how many runs it had, the newest run and its status, and its sessions, newest first (at most 50).",
                required: ["item_key", "runs", "last_run", "last_status", "sessions"],
                [
                    "item_key": SessionSchemas.string,
                    "runs": ["type": "integer", "minimum": 0],
                    "last_run": SessionSchemas.nullable("ItemRun"),
                    "last_status": SessionSchemas.enumeration(Run.Status.allCases.map(\.rawValue), nullable: true),
                    "sessions": SessionSchemas.arrayOf("SessionSummary"),
                ]),
            "ItemRun": runSchema,
        ]
    }

    /// `{"items": [...]}`.
    struct ItemList: Encodable, Sendable {
        var items: [ItemView]
    }

    /// One item: every member present, `null` when there is no run.
    struct ItemView: Encodable, Sendable {
        var itemKey: String
        var runs: Int
        var lastRun: Run?
        var sessions: [SessionViews.Summary]
        /// The newest instant anything happened to the item.
        var activity: Date

        enum CodingKeys: String, CodingKey {
            case itemKey = "item_key", runs, lastRun = "last_run", lastStatus = "last_status", sessions
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(itemKey, forKey: .itemKey)
            try c.encode(runs, forKey: .runs)
            try c.encode(lastRun, forKey: .lastRun)
            try c.encode(lastRun?.status, forKey: .lastStatus)
            try c.encode(sessions, forKey: .sessions)
        }
    }

    /// Every item key of the schedule's runs with its newest sessions, newest activity (a run's
    /// finish, start or due instant, a session's last change) first, then by key.
    static func items(of scheduleID: String, _ store: any Store) async throws -> [ItemView] {
        var views: [String: ItemView] = [:]
        // Newest scheduled instant first: the first run of a key is its last run.
        for run in try await store.runs(scheduleID: scheduleID, limit: runScanLimit) {
            guard let key = run.itemKey else { continue }
            let at = run.finishedAt ?? run.startedAt ?? run.firesAt
            if views[key] == nil {
                views[key] = ItemView(itemKey: key, runs: 1, lastRun: run, sessions: [], activity: at)
            } else {
                views[key]!.runs += 1
                views[key]!.activity = max(views[key]!.activity, at)
            }
        }
        for key in Array(views.keys) {
            let sessions = try await store.sessions(scheduleID: scheduleID, itemKey: key, limit: sessionsPerItem)
            views[key]!.sessions = sessions.map(SessionViews.Summary.init)
            if let newest = sessions.map(\.updatedAt).max() { views[key]!.activity = max(views[key]!.activity, newest) }
        }
        return views.values.sorted { ($0.activity, $1.itemKey) > ($1.activity, $0.itemKey) }
    }

    /// A run as the store keeps it; members without a value are left out.
    static let runSchema = SessionSchemas.object(
        "A run as stored. Members without a value are left out.",
        required: ["id", "schedule_id", "scheduled_at", "fires_at", "attempt", "status", "trigger"],
        [
            "id": SessionSchemas.string, "schedule_id": SessionSchemas.string,
            "scheduled_at": SessionSchemas.instant, "fires_at": SessionSchemas.instant,
            "started_at": SessionSchemas.instant, "finished_at": SessionSchemas.instant,
            "attempt": SessionSchemas.integer,
            "status": SessionSchemas.enumeration(Run.Status.allCases.map(\.rawValue)),
            "owner": SessionSchemas.string, "heartbeat_at": SessionSchemas.instant, "item_key": SessionSchemas.string,
            "trigger": SessionSchemas.enumeration(Run.Trigger.allCases.map(\.rawValue)),
            "output": SessionSchemas.string, "error": SessionSchemas.string, "delivery_error": SessionSchemas.string,
            "session_id": SessionSchemas.string,
        ])
}
