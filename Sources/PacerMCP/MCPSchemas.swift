import Foundation
import PacerCore

/// JSON Schemas of the tools' arguments that several tools share: the schedule reference, a
/// rule, and the target, delivery and caps objects (the same members as the REST API and the
/// stored definition).
enum MCPSchemas {
    static func string(_ description: String, maxLength: Int? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": "string", "description": .string(description)]
        if let maxLength { o["maxLength"] = .number(Double(maxLength)) }
        return .object(o)
    }

    static func integer(_ description: String, minimum: Int, maximum: Int? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": "integer", "description": .string(description), "minimum": .number(Double(minimum))]
        if let maximum { o["maximum"] = .number(Double(maximum)) }
        return .object(o)
    }

    static func object(_ properties: [String: JSONValue], required: [String], description: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = [
            "type": "object", "properties": .object(properties),
            "required": .array(required.map { .string($0) }), "additionalProperties": false,
        ]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    static func constant(_ value: String) -> JSONValue { ["type": "string", "const": .string(value)] }

    static let stringMap: JSONValue = ["type": "object", "additionalProperties": ["type": "string"]]

    static let schedule = string("The schedule's id (sch_...) or its name.", maxLength: 1000)

    static let rule = string("""
        When it fires: a cron expression ('0 9 * * 1-5', 5 fields or 6 with seconds first, or @daily, @hourly ...), \
        a rule such as 'every 15m', 'every day at 09:00', 'every weekday at 08:30', 'every 2 weeks on mon,thu at 18:30', \
        'every month on day 1 at 08:00', or one instant ('once 2026-12-24T18:00:00+01:00', or just the RFC 3339 instant). \
        preview_rule shows what a rule means before you use it.
        """, maxLength: 1000)

    static let cron = string("Shorthand for rule: a cron expression or macro such as @daily.", maxLength: 1000)

    static let every = string("Shorthand for rule 'every N': a duration such as 30s, 15m or 2h.", maxLength: 100)

    static let at = string("Shorthand for one fire at this RFC 3339 instant, e.g. 2026-12-24T18:00:00+01:00 (not in the past).", maxLength: 100)

    static let timezone = string("IANA time zone whose wall clock the rule follows, e.g. Europe/Berlin (default UTC).", maxLength: 100)

    static let name = string("A unique, human name for the schedule (1-200 characters).", maxLength: 200)

    static let agent = string("Shorthand for an agent target: the name or id of the agent to run (give prompt with it, not target).", maxLength: 200)

    static let prompt = string("""
        Shorthand for an agent target: what the agent is asked at each fire, a Mustache template \
        ({{today}}, {{now}}, {{schedule.name}}, {{previous_session.last_text}}).
        """, maxLength: 100_000)

    static let target: JSONValue = [
        "description": """
            What a fire runs, instead of agent + prompt. One of: {"kind": "http", "url": ..., "method"?: "GET", "headers"?: {...}, \
            "headers_from_env"?: {"Authorization": "ENV_VAR_NAME"}, "body"?: ...}; {"kind": "agent", "agent": ..., "prompt": ...}; \
            {"kind": "command", "argv": ["program", "arg"], "env"?: {...}, "working_dir"?: "/abs/path", "shell"?: false} \
            (needs the admin scope); {"kind": "monitor", "check": {"kind": "poll_url" | "poll_command" | "poll_tool" | "delay", ...}, ...}; \
            {"kind": "workflow", "workflow_id": ..., "input"?: ...}.
            """,
        "oneOf": [
            object(["kind": constant("http"),
                    "url": string("Absolute http(s) URL."),
                    "method": ["type": "string", "enum": .array(HTTPTarget.methods.map { .string($0) }), "description": "Default GET."],
                    "headers": stringMap,
                    "headers_from_env": ["type": "object", "additionalProperties": ["type": "string"],
                                         "description": "Secret headers: header name to the NAME of an environment variable of the server."],
                    "body": string("Request body, a Mustache template.")],
                   required: ["kind", "url"]),
            object(["kind": constant("agent"),
                    "agent": string("The agent's name or id."),
                    "prompt": string("The prompt, a Mustache template.")],
                   required: ["kind", "agent", "prompt"]),
            object(["kind": constant("command"),
                    "argv": ["type": "array", "items": ["type": "string"], "minItems": 1, "description": "Program and arguments."],
                    "env": stringMap,
                    "working_dir": string("Absolute working directory."),
                    "shell": ["type": "boolean", "description": "Run argv[0] through /bin/sh -c (default false)."]],
                   required: ["kind", "argv"]),
            object(["kind": constant("monitor"),
                    "check": ["type": "object", "description": "poll_url {url, method?, headers?, expected_status?, condition?}, poll_command {argv, env?, condition?}, poll_tool {server, tool, arguments?, success_field, success_values} or delay {seconds}.",
                              "properties": ["kind": ["type": "string", "enum": ["poll_url", "poll_command", "poll_tool", "delay"]]],
                              "required": ["kind"]],
                    "interval_seconds": ["type": "number", "minimum": 1, "maximum": 86_400],
                    "max_attempts": ["type": "integer", "minimum": 1],
                    "on_success_message": string("Message on success; {result} is the check's result."),
                    "on_failure_message": string("Message when the attempts run out."),
                    "on_complete": ["type": "string", "enum": ["notify", "resume_conversation"]]],
                   required: ["kind", "check"]),
            object(["kind": constant("workflow"),
                    "workflow_id": string("The workflow's id."),
                    "input": ["description": "Input of the first step (any JSON)."]],
                   required: ["kind", "workflow_id"]),
        ],
    ]

    static let delivery: JSONValue = [
        "description": """
            Where each run's result goes (default none). One of: {"kind": "none"}, {"kind": "stdout"}, {"kind": "log", "path": "/abs/file"}, \
            {"kind": "webhook", "url": ..., "headers"?: {...}, "headers_from_env"?: {...}}, \
            {"kind": "slack", "webhook_url": ... | "webhook_url_env": "ENV_VAR_NAME"}, \
            {"kind": "telegram", "bot_token_env": "ENV_VAR_NAME", "chat_id": ...}, \
            {"kind": "email", "smtp_host": ..., "from": ..., "to": [...], "smtp_port"?, "security"?, "username"?, "password_env"?, "subject"?}.
            """,
        "oneOf": [
            object(["kind": ["type": "string", "enum": ["none", "stdout"]]], required: ["kind"]),
            object(["kind": constant("log"), "path": string("Absolute path of the file results are appended to.")], required: ["kind", "path"]),
            object(["kind": constant("webhook"), "url": string("Absolute http(s) URL results are POSTed to as JSON."),
                    "headers": stringMap, "headers_from_env": stringMap], required: ["kind", "url"]),
            object(["kind": constant("slack"), "webhook_url": string("The incoming webhook URL."),
                    "webhook_url_env": string("Or the NAME of the server's environment variable holding it.")], required: ["kind"]),
            object(["kind": constant("telegram"), "bot_token_env": string("NAME of the environment variable holding the bot token."),
                    "chat_id": string("The chat id or @channel."), "base_url": string("Bot API base URL.")],
                   required: ["kind", "bot_token_env", "chat_id"]),
            object(["kind": constant("email"), "smtp_host": string("SMTP host."), "smtp_port": integer("SMTP port (587).", minimum: 1, maximum: 65_535),
                    "security": ["type": "string", "enum": ["starttls", "tls", "none"]], "username": string("SMTP login."),
                    "password_env": string("NAME of the environment variable holding the password."), "from": string("Sender address."),
                    "to": ["type": "array", "items": ["type": "string"], "minItems": 1], "subject": string("Subject, a Mustache template.")],
                   required: ["kind", "smtp_host", "from", "to"]),
        ],
    ]

    static let caps: JSONValue = object([
        "max_resumes": integer("Most self-paced wake-ups of one session.", minimum: 1),
        "max_lifetime_hours": ["type": "number", "exclusiveMinimum": 0, "description": "Longest life of a session, in hours."],
        "max_total_tokens": integer("Most input plus output tokens of one session.", minimum: 1),
        "max_cost": ["type": "number", "exclusiveMinimum": 0, "description": "Highest cost of one session, in the agents' price-table currency."],
    ], required: [], description: "Limits of the agent sessions this schedule starts; missing ones fall back to the server's defaults.")

    static let maxFires = integer("Fire at most this many times, then stop (the same as timing.max_fires).", minimum: 1)
    static let timing: JSONValue = [
        "type": "object",
        "description": "The schedule's timing beside its rule: max_fires (stop after this many fires), jitter (seconds), starts_at and ends_at (RFC 3339), anchor.",
    ]
    static let dispatch: JSONValue = [
        "type": "object", "description": "How fires are spread: for example {\"items\": ...} to fire once per item of a list.",
    ]
    static let policies: JSONValue = [
        "type": "object",
        "description": "overlap (skip, allow, queue, buffer_one, replace), misfire, retry ({max_attempts, backoff}), timeout_seconds, pause_after_failures, exclusions, keep_last.",
    ]

    static let notes = string("Free text kept with the schedule.", maxLength: 10_000)
}
