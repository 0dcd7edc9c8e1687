import Foundation
import PacerCore
import PacerOperations
import PacerStore
import Recurrence

/// `preview_rule`, `run_now`, `backfill_schedule`, `run_history`.
extension MCPToolCatalogue {
    static var runTools: [MCPTool] { [preview, runNow, backfill, history] }

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
        let from = try args.instant("from") ?? context.clock.now()
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
        let run = try await RunNow.queue(schedule, store: context.store, now: context.clock.now())
        var result: [String: JSONValue] = ["ok": true, "schedule": .string(schedule.name), "run": try MCPViews.run(run)]
        if !context.configuration.engineRunning {
            result["note"] = "the run is queued; a running `pacer serve` on this database starts it"
        }
        return .object(result)
    }

    static let backfill = MCPTool(
        "backfill_schedule", title: "Backfill a schedule", scope: .run,
        description: """
            Run the fires a schedule's rule would have made in a past window (from and to included, exclusions left out): \
            queues one run per fire (trigger backfill), recorded with its nominal instant. Fires that ran already are left \
            alone, so repeating a backfill runs nothing twice. Nothing is dropped: under the schedule's overlap policy, or \
            the given overlap, 'allow' runs them side by side and any other policy one at a time. \
            A window of more than limit fires (default 10000) is refused.
            """,
        properties: [
            "schedule": MCPSchemas.schedule,
            "from": MCPSchemas.string("The start of the window, an RFC 3339 instant (included).", maxLength: 100),
            "to": MCPSchemas.string("The end of the window, an RFC 3339 instant (included), not after now.", maxLength: 100),
            "overlap": ["type": "string", "enum": .array(OverlapPolicy.allCases.map { .string($0.rawValue) }),
                        "description": "The overlap policy of the backfill's runs (default: the schedule's)."],
            "limit": MCPSchemas.integer("Most fires the window may hold (default 10000).", minimum: 1, maximum: Backfill.maxLimit),
        ],
        required: ["schedule", "from", "to"]
    ) { args, context in
        let schedule = try await context.schedule(try args.string("schedule", required: true, max: 1000)!)
        let outcome = try await Backfill.decode(args.object, ignoring: ["schedule"])
            .record(for: schedule, store: context.store, now: context.clock.now())
        var result = outcome.json
        if outcome.queued.count > 20 {
            // A model's context is no place for thousands of ids: the first 20, and run_history for the rest.
            result["runs"] = .array(outcome.queued.prefix(20).map { .string($0.id) })
            result["runs_listed"] = 20
        }
        result["ok"] = true
        result["schedule"] = .string(schedule.name)
        if !context.configuration.engineRunning, !outcome.queued.isEmpty {
            result["note"] = "the runs are queued; a running `pacer serve` on this database starts them"
        }
        return .object(result)
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
