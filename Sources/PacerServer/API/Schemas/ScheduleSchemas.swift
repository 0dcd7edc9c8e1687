import Foundation
import PacerCore

/// The schemas of schedules, their views, inputs, states, revisions and runs.
enum ScheduleSchemas {
    typealias M = Schema.Member

    static var all: [String: JSONValue] {
        var out = Schema.merged(TargetSchemas.all, DefinitionSchemas.all)
        out["Schedule"] = Schema.object(stored, .output, description: "A schedule's definition as stored.")
        out["ScheduleView"] = Schema.object(stored + [
            M("state", Schema.ref("ScheduleState")),
            M("description", Schema.nullable(Schema.string), .always, required: false, "The rule in English; null when it cannot be described"),
        ], .output, description: "A schedule's definition with its runtime state and the rule in English.")
        out["ScheduleState"] = state
        out["ScheduleInput"] = input
        out["SchedulePatch"] = patch
        out["Revision"] = Schema.object([
            M("schedule_id", Schema.string), M("revision", Schema.integer(min: 1)), M("snapshot", Schema.ref("Schedule")),
            M("created_at", Schema.dateTime), M("author", Schema.string),
        ], .output, description: "A past definition of a schedule.")
        out["Run"] = run
        return out
    }

    /// The members the definition shares between what is stored and what is sent.
    static let definition: [M] = [
        M("name", Schema.text(max: Schedule.maxNameLength), required: true, "Unique"),
        M("enabled", Schema.boolean, .always, required: false, "Disabled schedules never fire; true by default"),
        M("notes", Schema.string, .whenSet),
        M("timing", variant: "Timing", required: true),
        M("target", variant: "Target", required: true),
        M("dispatch", variant: "Dispatch"),
        M("policies", variant: "Policies"),
        M("caps", variant: "Caps"),
        M("delivery", variant: "Delivery"),
    ]

    static let stored: [M] = [M("id", Schema.string), M("owner", Schema.string)] + definition + [
        M("created_at", Schema.dateTime), M("updated_at", Schema.dateTime), M("revision", Schema.integer(min: 1)),
    ]

    static let shorthands: [M] = [
        M("cron", Schema.text(), .whenSet, required: false, "Shorthand for timing.rule: a cron expression"),
        M("every", Schema.text(), .whenSet, required: false, "Shorthand for timing.rule 'every N': a duration such as 30s, 5m or 2h"),
        M("rule", Schema.text(), .whenSet, required: false, "Shorthand for timing.rule"),
        M("at", Schema.dateTime, .whenSet, required: false, "Shorthand for timing.rule 'once INSTANT'"),
        M("timezone", Schema.text(), .whenSet, required: false, "Shorthand for timing.timezone"),
        M("agent", Schema.text(), .whenSet, required: false, "With prompt, shorthand for an agent target: the agent's name or id"),
        M("prompt", Schema.text(), .whenSet, required: false, "With agent, shorthand for an agent target: the session's prompt"),
    ]

    static var input: JSONValue {
        var members = definition + shorthands
        for i in members.indices where ["timing", "target"].contains(members[i].name) { members[i].required = false }
        guard case .object(var s) = Schema.object(members, .input,
            description: "A new schedule. Give timing, or one of cron, every, rule and at (with timezone); and target, or agent with prompt. id, owner, created_at and revision are set by the server.")
        else { return .null }
        s["oneOf"] = .array(["timing", "cron", "every", "rule", "at"].map { ["required": [.string($0)]] })
        return .object(s)
    }

    static var patch: JSONValue {
        var members = definition + shorthands + [
            M("revision", Schema.integer(min: 1), .whenSet, required: false, "The revision the change is based on; refused (409) when it is out of date"),
        ]
        for i in members.indices { members[i].required = false }
        return Schema.object(members, .input, description: """
            A change to a schedule: a JSON merge patch of its definition (null removes a member; an object with a kind, \
            such as a target, replaces the stored one whole). Records a new revision.
            """)
    }

    static let state: JSONValue = [
        "type": "object", "description": "A schedule's runtime state.",
        "required": ["schedule_id", "next_fire_at", "last_fire_at", "last_status", "fire_count", "consecutive_failures", "paused_reason"],
        "properties": [
            "schedule_id": Schema.string,
            "next_fire_at": ["type": ["string", "null"], "format": "date-time", "description": "Next nominal fire; null when the rule has no more"],
            "last_fire_at": ["type": ["string", "null"], "format": "date-time"],
            "last_status": Schema.nullableEnumeration(Run.Status.self),
            "fire_count": Schema.integer(min: 0),
            "consecutive_failures": Schema.integer(min: 0),
            "paused_reason": ["type": ["string", "null"], "description": "Why it is paused; null when it is not"],
        ],
    ]

    static var run: JSONValue {
        Schema.object([
            M("id", Schema.string), M("schedule_id", Schema.string),
            M("scheduled_at", Schema.dateTime, .always, required: false, "The nominal fire"),
            M("fires_at", Schema.dateTime, .always, required: false, "When it is due to start (after jitter or backoff)"),
            M("started_at", Schema.dateTime, .whenSet), M("finished_at", Schema.dateTime, .whenSet),
            M("attempt", Schema.integer(min: 1), .always, required: false, "The attempt within its step (1, then retries)"),
            M("step", Schema.integer(min: 0), .always, required: false,
              "0 for the fire itself, 1 for its first continuation, ..."),
            M("state", Schema.any, .whenSet, required: false, "What the previous step left for this one"),
            M("status", Schema.enumeration(Run.Status.self)),
            M("owner", Schema.string, .whenSet, required: false, "The process holding its lease"),
            M("heartbeat_at", Schema.dateTime, .whenSet),
            M("item_key", Schema.string, .whenSet),
            M("trigger", Schema.enumeration(Run.Trigger.self)),
            M("output", Schema.string, .whenSet), M("error", Schema.string, .whenSet),
            M("delivery_error", Schema.string, .whenSet), M("session_id", Schema.string, .whenSet),
        ], .output, description: "One execution of a schedule's target for one fire.")
    }
}
