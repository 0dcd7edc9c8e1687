import Foundation
import PacerCore
import PacerStore

/// `create_schedule`, `list_schedules`, `get_schedule`, `update_schedule`, `pause_schedule`,
/// `resume_schedule`, `delete_schedule`.
extension MCPToolCatalogue {
    static let definitionProperties: [String: JSONValue] = [
        "name": MCPSchemas.name, "rule": MCPSchemas.rule, "cron": MCPSchemas.cron, "every": MCPSchemas.every,
        "at": MCPSchemas.at, "timezone": MCPSchemas.timezone,
        "target": MCPSchemas.target, "agent": MCPSchemas.agent, "prompt": MCPSchemas.prompt,
        "delivery": MCPSchemas.delivery, "caps": MCPSchemas.caps, "max_fires": MCPSchemas.maxFires, "notes": MCPSchemas.notes,
    ]

    static var scheduleTools: [MCPTool] {
        [create, list, get, update, pause(true), pause(false), delete]
    }

    static let create = MCPTool(
        "create_schedule", title: "Create a schedule", scope: .write, idempotent: true,
        description: """
            Create a schedule that runs something on a rule. Give `name` and `rule` (or one of the shorthands `cron`, \
            `every` such as "30m", `at` for one RFC 3339 instant), and what to run: an agent with \
            `agent` + `prompt`, or a `target` object (HTTP request, command, monitor, workflow). Optional: `timezone` \
            (default UTC), `delivery` (where results go), `caps` (limits of agent sessions), `max_fires`, `notes`. \
            The definition is validated like every other change; an error names the argument at fault. If you already \
            own a schedule with the same rule, time zone and target, that one is returned (with "existing": true) \
            instead of a duplicate. Returns {"ok": true, "existing": false, "schedule": {...}} with the next fires.
            """,
        properties: definitionProperties, required: ["name"]
    ) { args, context in
        let name = try args.string("name", required: true, max: 200)!
        let rule = try MCPDefinition.rule(args, required: true, now: context.instant)!
        guard let target = try MCPDefinition.target(args) else {
            throw MCPToolError(field: "target", "is required: give target, or agent with prompt")
        }
        let shorthand = !args.has("target")
        let timing = ScheduleTiming(rule: rule, timezone: try args.string("timezone", max: 100) ?? "UTC",
                                    maxFires: try args.integer("max_fires", in: 1...Int(Int32.max)))
        let now = context.instant
        let owner = context.caller.name
        let schedule = Schedule(
            id: PacerID.make(.schedule, at: now), name: name, owner: owner, notes: try args.string("notes", max: 10_000),
            timing: timing, target: target, caps: try MCPDefinition.object(Caps.self, "caps", args) ?? Caps(),
            delivery: try MCPDefinition.object(Delivery.self, "delivery", args) ?? .none, createdAt: now)
        try await MCPDefinition.check(schedule, shorthand: shorthand, context: context)
        if let existing = try await context.store.identicalSchedule(to: schedule) {
            return ["ok": true, "existing": true, "schedule": try await MCPViews.schedule(existing, store: context.store)]
        }
        let stored = try await MCPDefinition.storing(shorthand: shorthand) {
            try await context.store.createSchedule(schedule, author: owner)
        }
        return ["ok": true, "existing": false, "schedule": try await MCPViews.schedule(stored, store: context.store)]
    }

    static let list = MCPTool(
        "list_schedules", title: "List schedules", scope: .read, readOnly: true, idempotent: true,
        description: """
            List the schedules, by name: id, owner, rule with its English description, time zone, target kind, \
            whether enabled or paused, the next fire and the last run's status. Filter by `owner` or a `name_contains` text.
            """,
        properties: [
            "owner": MCPSchemas.string("Only schedules of this owner (a token's name, 'mcp', or 'agent:NAME').", maxLength: 200),
            "name_contains": MCPSchemas.string("Only schedules whose name contains this text (case-insensitive).", maxLength: 200),
            "limit": MCPSchemas.integer("Most schedules to list (default 100).", minimum: 1, maximum: 1000),
        ]
    ) { args, context in
        let owner = try args.string("owner", max: 200), text = try args.string("name_contains", max: 200)
        let limit = try args.integer("limit", in: 1...1000) ?? 100
        let all = try await context.store.schedules().filter { s in
            (owner == nil || s.owner == owner) && (text == nil || s.name.localizedCaseInsensitiveContains(text!))
        }
        let states = Dictionary(try await context.store.states().map { ($0.scheduleID, $0) }, uniquingKeysWith: { a, _ in a })
        let page = all.prefix(limit).map { MCPViews.summary($0, state: states[$0.id]) }
        return ["ok": true, "schedules": .array(page), "count": .number(Double(page.count)), "total": .number(Double(all.count))]
    }

    static let get = MCPTool(
        "get_schedule", title: "Show a schedule", scope: .read, readOnly: true, idempotent: true,
        description: """
            Show one schedule by id or name: its whole definition (timing, target, delivery, caps, policies), the rule \
            in English, its state (paused, next fire, fire count, failures) and its next three fires.
            """,
        properties: ["schedule": MCPSchemas.schedule], required: ["schedule"]
    ) { args, context in
        let schedule = try await context.schedule(try args.string("schedule", required: true, max: 1000)!)
        return ["ok": true, "schedule": try await MCPViews.schedule(schedule, store: context.store)]
    }

    static let update = MCPTool(
        "update_schedule", title: "Change a schedule", scope: .write, idempotent: true,
        description: """
            Change a schedule (by id or name). Only the arguments you give change: `name`, `rule`, `timezone`, \
            `target` (replaces it), `agent` and/or `prompt` (change an agent target), `delivery` (replaces it; \
            {"kind": "none"} removes it), `caps` (replaces them), `max_fires`, `notes`, `enabled`. The result is \
            validated like a new schedule and stored as a new revision; a changed rule fires next from now.
            """,
        properties: definitionProperties.merging([
            "schedule": MCPSchemas.schedule,
            "enabled": ["type": "boolean", "description": "false keeps the definition but stops it firing."],
        ]) { _, new in new },
        required: ["schedule"]
    ) { args, context in
        let reference = try args.string("schedule", required: true, max: 1000)!
        let name = try args.string("name", max: 200), rule = try MCPDefinition.rule(args, required: false)
        let zone = try args.string("timezone", max: 100), maxFires = try args.integer("max_fires", in: 1...Int(Int32.max))
        let notes = try args.string("notes", max: 10_000), enabled = try args.bool("enabled")
        let caps = try MCPDefinition.object(Caps.self, "caps", args)
        let delivery = try MCPDefinition.object(Delivery.self, "delivery", args)
        let shorthand = !args.has("target") && (args.has("agent") || args.has("prompt"))
        for attempt in 1...3 {
            let stored = try await context.schedule(reference)
            let target = try MCPDefinition.target(args, current: stored.target)!
            var edited = stored.revised(at: max(context.instant, stored.updatedAt)) { s in
                if let name { s.name = name }
                if let rule { s.timing.rule = rule }
                if let zone { s.timing.timezone = zone }
                if let maxFires { s.timing.maxFires = maxFires }
                if let notes { s.notes = notes }
                if let enabled { s.enabled = enabled }
                if let caps { s.caps = caps }
                if let delivery { s.delivery = delivery }
                s.target = target
            }
            var unchanged = edited
            unchanged.updatedAt = stored.updatedAt
            unchanged.revision = stored.revision
            if unchanged == stored {
                return ["ok": true, "changed": false, "schedule": try await MCPViews.schedule(stored, store: context.store)]
            }
            if edited.timing.rule != stored.timing.rule, let problem = RuleShorthand.pastOneShotProblem(edited.timing.rule, now: context.instant) {
                throw MCPToolError(field: RuleShorthand.allCases.first { args.has($0.rawValue) }?.rawValue ?? "rule", problem)
            }
            try await MCPDefinition.check(edited, shorthand: shorthand, context: context)
            edited.revision = stored.revision  // the store raises it, and refuses when another change came first
            do {
                let saved = try await MCPDefinition.storing(shorthand: shorthand) {
                    try await context.store.updateSchedule(edited, author: context.caller.name)
                }
                return ["ok": true, "changed": true, "schedule": try await MCPViews.schedule(saved, store: context.store)]
            } catch StoreError.revisionConflict where attempt < 3 {
                continue  // changed meanwhile: apply the change to the new definition
            }
        }
        throw MCPToolError(field: nil, code: "conflict", "the schedule kept changing meanwhile; read it again and retry")
    }

    static func pause(_ pausing: Bool) -> MCPTool {
        var properties: [String: JSONValue] = ["schedule": MCPSchemas.schedule]
        if pausing { properties["reason"] = MCPSchemas.string("Why it is paused (kept on the schedule).", maxLength: 1000) }
        return MCPTool(
            pausing ? "pause_schedule" : "resume_schedule", title: pausing ? "Pause a schedule" : "Resume a schedule",
            scope: .write, idempotent: true,
            description: pausing
                ? "Pause a schedule (by id or name): it stops firing, keeping its definition, until resume_schedule. Runs in progress finish."
                : "Resume a paused schedule (by id or name): it fires again from its next fire after now, and its failure count is reset.",
            properties: properties, required: ["schedule"]
        ) { args, context in
            let schedule = try await context.schedule(try args.string("schedule", required: true, max: 1000)!)
            var reason: String?
            if pausing {
                reason = try args.string("reason", max: 1000)?.trimmingCharacters(in: .whitespacesAndNewlines)
                if reason?.isEmpty ?? true { reason = "paused by \(context.caller.name)" }
            }
            try await context.store.setPaused(scheduleID: schedule.id, reason: reason)
            return ["ok": true, "schedule": try await MCPViews.schedule(schedule, store: context.store)]
        }
    }

    static let delete = MCPTool(
        "delete_schedule", title: "Delete a schedule", scope: .write, destructive: true,
        description: "Delete a schedule (by id or name) for good, with its state and runs; its revisions stay as history. Prefer pause_schedule to stop it for a while.",
        properties: ["schedule": MCPSchemas.schedule], required: ["schedule"]
    ) { args, context in
        let schedule = try await context.schedule(try args.string("schedule", required: true, max: 1000)!)
        guard try await context.store.deleteSchedule(id: schedule.id) else {
            throw MCPToolError(field: "schedule", code: "not_found", "schedule '\(schedule.name)' was deleted meanwhile")
        }
        return ["ok": true, "deleted": true, "id": .string(schedule.id), "name": .string(schedule.name)]
    }
}
