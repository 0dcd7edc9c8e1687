import Foundation
import PacerCore

/// The schemas of a schedule definition's sections other than its target: timing, dispatch,
/// policies, caps and delivery.
enum DefinitionSchemas {
    typealias M = Schema.Member

    static var all: [String: JSONValue] {
        Schema.merged(
            Schema.objects("Timing", [
                M("rule", Schema.text(), required: true,
                  "A cron expression (5 or 6 fields, or a macro such as @daily) or a human rule: 'every 15m', 'every day at 09:00', 'once 2026-12-24T18:00:00+01:00'"),
                M("timezone", Schema.text(), .always, required: false, "IANA zone whose wall clock the rule follows; UTC by default"),
                M("anchor", Schema.dateTime, .whenSet, required: false, "Phase of interval and calendar rules; the creation by default"),
                M("starts_at", Schema.dateTime, .whenSet),
                M("ends_at", Schema.dateTime, .whenSet),
                M("max_fires", Schema.integer(min: 1), .whenSet),
                M("jitter", Schema.number(min: 0, max: ScheduleTiming.maxJitterSeconds), .always, required: false,
                  "Each fire is delayed by up to this many seconds"),
            ], description: "When a schedule fires."),
            Schema.objects("Dispatch", [
                M("mode", Schema.enumeration(Dispatch.Mode.self)),
                M("source", variant: "ItemSource", .whenSet),
                M("item_key", Schema.string, .whenSet, required: false, "Dotted path of each item's key"),
                M("max_items_per_fire", Schema.integer(1...10_000)),
                M("notify", variant: "Delivery", .whenSet, required: false, "Told when a per-item run starts (per_item only)"),
            ], description: "One run per fire (single) or one per item (per_item)."),
            Schema.union("ItemSource", [("static", "StaticItemSource"), ("http", "HTTPItemSource"), ("command", "CommandItemSource")],
                         description: "Where the items of a fire come from, told apart by kind."),
            Schema.objects("StaticItemSource", [M("items", Schema.array(Schema.any), required: true)], kind: "static"),
            Schema.objects("HTTPItemSource", endpointMembers, kind: "http"),
            Schema.objects("CommandItemSource", [
                M("argv", Schema.array(Schema.string, minItems: 1), required: true),
                M("env", Schema.map(Schema.string)),
            ], kind: "command"),
            Schema.objects("Policies", [
                M("overlap", Schema.enumeration(OverlapPolicy.self)),
                M("misfire", Schema.enumeration(MisfirePolicy.self), .whenSet, required: false,
                  "When unset: skip for recurring rules, run_once for one-shot rules"),
                M("misfire_grace", Schema.number(min: 0, max: Limits.misfireGraceSeconds), .whenSet, required: false,
                  "Seconds late before a fire is a misfire; when unset 60 for recurring rules, 86400 for one-shot rules"),
                M("catchup_limit", Schema.integer(1...10_000)),
                M("retry", variant: "RetryPolicy"),
                M("timeout_seconds", Schema.number(max: 30 * 86_400, exclusiveMin: 0)),
                M("pause_after_failures", Schema.integer(min: 1), .whenSet),
                M("keep_last", Schema.integer(min: 1), .whenSet),
                M("exclusions", Schema.array(Schema.text()), .always, required: false, "Rules whose instants are skipped"),
            ], description: "Overlap, misfire, retry, timeout and history policies."),
            Schema.objects("RetryPolicy", [
                M("max_attempts", Schema.integer(1...100)),
                M("backoff_base_seconds", Schema.number(exclusiveMin: 0)),
                M("backoff_factor", Schema.number(min: 1, max: 100)),
                M("backoff_cap_seconds", Schema.number(exclusiveMin: 0), .always, required: false,
                  "At least backoff_base_seconds"),
                M("jitter_fraction", Schema.number(min: 0, max: 1)),
            ], description: "Retries of failed runs, with exponential backoff."),
            Schema.objects("Caps", [
                M("max_resumes", Schema.integer(min: 1), .whenSet),
                M("max_lifetime_hours", Schema.number(exclusiveMin: 0), .whenSet),
                M("max_total_tokens", Schema.integer(min: 1), .whenSet),
                M("max_cost", Schema.number(exclusiveMin: 0), .whenSet),
            ], description: "Limits of agent sessions; a missing one is the server's default."),
            deliveries)
    }

    static let endpointMembers: [M] = [
        M("url", Schema.httpURL, required: true),
        M("headers", Schema.headers(Schema.string)),
        M("headers_from_env", Schema.headers(Schema.envName)),
    ]

    static var deliveries: [String: JSONValue] {
        Schema.merged(
            Schema.union("Delivery", [("none", "NoDelivery"), ("stdout", "StdoutDelivery"), ("log", "LogDelivery"),
                                      ("webhook", "WebhookDelivery"), ("slack", "SlackDelivery"),
                                      ("telegram", "TelegramDelivery"), ("email", "EmailDelivery")],
                         description: "Where a run's result goes, told apart by kind; secrets are named by environment variable."),
            Schema.objects("NoDelivery", [], kind: "none"),
            Schema.objects("StdoutDelivery", [], kind: "stdout"),
            Schema.objects("LogDelivery", [M("path", Schema.absolutePath, required: true)], kind: "log"),
            Schema.objects("WebhookDelivery", endpointMembers, kind: "webhook"),
            slack,
            Schema.objects("TelegramDelivery", [
                M("bot_token_env", Schema.envName, required: true),
                M("chat_id", Schema.text(), required: true),
                M("base_url", Schema.httpURL),
            ], kind: "telegram"),
            Schema.objects("EmailDelivery", [
                M("smtp_host", Schema.text(max: 253), required: true),
                M("smtp_port", Schema.integer(1...65_535)),
                M("security", Schema.enumeration(EmailDelivery.Security.self)),
                M("username", Schema.string, .whenSet),
                M("password_env", Schema.envName, .whenSet),
                M("from", Schema.string, required: true),
                M("to", Schema.array(Schema.string, minItems: 1), required: true),
                M("subject", Schema.string, .whenSet),
            ], kind: "email"))
    }

    /// Exactly one of `webhook_url` and `webhook_url_env`.
    static var slack: [String: JSONValue] {
        var out = Schema.objects("SlackDelivery", [
            M("webhook_url", Schema.httpURL, .whenSet),
            M("webhook_url_env", Schema.envName, .whenSet),
        ], kind: "slack")
        if case .object(var input)? = out["SlackDeliveryInput"] {
            input["oneOf"] = [["required": ["webhook_url"], "not": ["required": ["webhook_url_env"]]],
                              ["required": ["webhook_url_env"], "not": ["required": ["webhook_url"]]]]
            out["SlackDeliveryInput"] = .object(input)
        }
        return out
    }
}
