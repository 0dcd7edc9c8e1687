import Foundation
import PacerCore
import PacerStore
import Recurrence

/// `preview_rule`, `run_now`, `run_history`.
extension MCPToolCatalogue {
    static var runTools: [MCPTool] { [preview, runNow, history] }

    static let preview = MCPTool(
        "preview_rule", title: "Preview a rule", scope: .read, readOnly: true, idempotent: true,
        description: """
            Check a rule before using it: returns its English description and its next fires in the time zone \
            (RFC 3339 with the zone's offset). An error names what is wrong (e.g. "rule: minute: 60 is out of range 0-59").
            """,
        properties: [
            "rule": MCPSchemas.rule, "cron": MCPSchemas.cron, "every": MCPSchemas.every, "at": MCPSchemas.at,
            "timezone": MCPSchemas.timezone,
            "count": MCPSchemas.integer("How many fires to list (default 5).", minimum: 1, maximum: 100),
            "from": MCPSchemas.string("List fires after this RFC 3339 instant (default now); also the anchor of 'every' rules.", maxLength: 100),
        ],
        required: []
    ) { args, context in
        let rule = try MCPDefinition.rule(args, required: true)!
        let zone = try args.string("timezone", max: 100)
        let count = try args.integer("count", in: 1...100) ?? 5
        let from = try args.instant("from") ?? context.now()
        let preview = try RulePreview(rule: rule, timezone: zone, from: Int64(from.timeIntervalSince1970.rounded(.down)), count: count)
        return ["ok": true, "rule": .string(preview.rule), "timezone": .string(preview.timezone),
                "description": .string(preview.description), "fires": .array(preview.fires.map { .string($0) })]
    }

    static let runNow = MCPTool(
        "run_now", title: "Run a schedule now", scope: .run,
        description: """
            Run a schedule (by id or name) now, once, outside its rule: records a queued manual run that the running \
            Pacer server starts within moments. Returns the run; follow it with run_history.
            """,
        properties: ["schedule": MCPSchemas.schedule], required: ["schedule"]
    ) { args, context in
        let schedule = try await context.schedule(try args.string("schedule", required: true, max: 1000)!)
        var at = context.instant
        for _ in 0..<20 {
            do {
                let run = try await context.store.insertRun(Run(
                    id: PacerID.make(.run, at: at), scheduleID: schedule.id, scheduledAt: at, firesAt: at,
                    attempt: 1, status: .queued, trigger: .manual))
                var result: [String: JSONValue] = ["ok": true, "schedule": .string(schedule.name), "run": try MCPViews.run(run)]
                if !context.configuration.engineRunning {
                    result["note"] = "the run is queued; a running `pacer serve` on this database starts it"
                }
                return .object(result)
            } catch StoreError.duplicateRun {
                at = at.addingTimeInterval(0.001)  // another Run Now took this instant
            }
        }
        throw MCPToolError(field: "schedule", code: "conflict", "could not record a manual run of '\(schedule.name)': runs at the same instant exist already")
    }

    static let history = MCPTool(
        "run_history", title: "Run history", scope: .read, readOnly: true, idempotent: true,
        description: """
            The latest runs of a schedule (by id or name), newest first: status (queued, running, succeeded, failed, \
            timed_out, cancelled, skipped, abandoned), trigger, scheduled/started/finished instants, attempt, output \
            excerpt, error and the agent session id of agent runs (see get_session).
            """,
        properties: ["schedule": MCPSchemas.schedule,
                     "limit": MCPSchemas.integer("Most runs to return (default 20).", minimum: 1, maximum: 1000)],
        required: ["schedule"]
    ) { args, context in
        let reference = try args.string("schedule", required: true, max: 1000)!
        let limit = try args.integer("limit", in: 1...1000) ?? 20
        let schedule = try await context.schedule(reference)
        let runs = try await context.store.runs(scheduleID: schedule.id, limit: limit)
        return ["ok": true, "schedule": .string(schedule.name), "schedule_id": .string(schedule.id),
                "runs": .array(try runs.map(MCPViews.run))]
    }
}
