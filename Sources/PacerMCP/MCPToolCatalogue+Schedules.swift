import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `create_schedule`, `list_schedules`, `get_schedule`, `update_schedule`, `pause_schedule`,
/// `resume_schedule`, `delete_schedule`.
extension MCPToolCatalogue {
    /// A definition as every surface takes it (``PacerOperations/ScheduleInput``): the stored
    /// members and the shorthands.
    static let definitionProperties: [String: JSONValue] = [
        "name": MCPSchemas.name, "rule": MCPSchemas.rule, "cron": MCPSchemas.cron, "every": MCPSchemas.every,
        "at": MCPSchemas.at, "timezone": MCPSchemas.timezone, "timing": MCPSchemas.timing,
        "target": MCPSchemas.target, "agent": MCPSchemas.agent, "prompt": MCPSchemas.prompt,
        "delivery": MCPSchemas.delivery, "caps": MCPSchemas.caps, "notes": MCPSchemas.notes,
        "dispatch": MCPSchemas.dispatch, "policies": MCPSchemas.policies, "max_fires": MCPSchemas.maxFires,
        "enabled": ["type": "boolean", "description": "false keeps the definition but stops it firing."],
    ]

    /// The arguments as a definition: `max_fires`, kept for clients of the flat arguments, is
    /// `timing.max_fires`.
    static func definition(_ args: MCPArguments) throws(MCPToolError) -> [String: JSONValue] {
        var object = args.object
        guard let maxFires = object.removeValue(forKey: "max_fires"), maxFires != .null else { return object }
        var timing: [String: JSONValue] = [:]
        switch object["timing"] {
        case nil, .null?: break
        case .object(let t)?: timing = t
        default: throw MCPToolError(field: "timing", "must be a JSON object")
        }
        if timing["max_fires"] != nil { throw MCPToolError(field: "max_fires", "give only one of max_fires and timing.max_fires") }
        timing["max_fires"] = maxFires
        object["timing"] = .object(timing)
        return object
    }

    static var scheduleTools: [MCPTool] {
        [create, list, get, update, pause(true), pause(false), delete]
    }

    static let create = MCPTool(
        "create_schedule", title: "Create a schedule", scope: .write, idempotent: true,
        description: """
            Create a schedule that runs something on a rule. Give `name` and `rule` (or one of the shorthands `cron`, \
            `every` such as "30m", `at` for one RFC 3339 instant), and what to run: an agent with \
            `agent` + `prompt`, or a `target` object (HTTP request, command, monitor, workflow). Optional: `timezone` \
            (default UTC), `timing` (max_fires, jitter, starts_at, ends_at), `delivery` (where results go), `caps` \
            (limits of agent sessions), `dispatch`, `policies`, `notes`, `enabled`. \
            The definition is validated like every other change; an error names the argument at fault. If you already \
            own a schedule with the same rule, time zone and target, that one is returned (with "existing": true) \
            instead of a duplicate. Returns {"ok": true, "existing": false, "schedule": {...}} with the next fires.
            """,
        properties: definitionProperties, required: ["name"]
    ) { args, context in
        let created = try await ScheduleOperations.create(try definition(args), deduplicate: true, in: context.operations)
        return ["ok": true, "existing": .bool(created.existing), "schedule": try await MCPViews.schedule(created.schedule, store: context.store)]
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
            Change a schedule (by id or name). Only the members you give change, as a JSON merge patch of its \
            definition: `name`, `rule` (or `cron`, `every`, `at`), `timezone`, `timing`, `target` (with a `kind` it \
            replaces the target; without, its members change), `agent` and/or `prompt` (change an agent target), \
            `delivery` ({"kind": "none"} removes it), `caps`, `dispatch`, `policies`, `notes`, `enabled`; null removes \
            a member. The result is validated like a new schedule and stored as a new revision; a changed rule fires \
            next from now.
            """,
        properties: definitionProperties.merging(["schedule": MCPSchemas.schedule]) { _, new in new },
        required: ["schedule"]
    ) { args, context in
        let reference = try args.string("schedule", required: true, max: 1000)!
        var changes = try definition(args)
        changes["schedule"] = nil
        let patched = try await ScheduleOperations.patch(reference, with: changes, expectedRevision: nil, in: context.operations)
        return ["ok": true, "changed": .bool(patched.changed), "schedule": try await MCPViews.schedule(patched.schedule, store: context.store)]
    }

    /// A pause's reason; a blank one (models send `""`) is none.
    static func reason(_ args: MCPArguments) throws(MCPToolError) -> String? {
        guard let text = try args.string("reason", max: 10_000), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
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
            let reference = try args.string("schedule", required: true, max: 1000)!
            let schedule = pausing
                ? try await ScheduleOperations.pause(reference, reason: try Self.reason(args), in: context.operations)
                : try await ScheduleOperations.resume(reference, in: context.operations)
            return ["ok": true, "schedule": try await MCPViews.schedule(schedule, store: context.store)]
        }
    }

    static let delete = MCPTool(
        "delete_schedule", title: "Delete a schedule", scope: .write, destructive: true,
        description: "Delete a schedule (by id or name) for good, with its state and runs; its revisions stay as history. Prefer pause_schedule to stop it for a while.",
        properties: ["schedule": MCPSchemas.schedule], required: ["schedule"]
    ) { args, context in
        let schedule = try await ScheduleOperations.delete(try args.string("schedule", required: true, max: 1000)!, in: context.operations)
        return ["ok": true, "deleted": true, "id": .string(schedule.id), "name": .string(schedule.name)]
    }
}
