import Foundation
import PacerCore

/// The schemas of targets, monitor checks and conditions.
enum TargetSchemas {
    typealias M = Schema.Member

    static var all: [String: JSONValue] {
        Schema.merged(
            Schema.union("Target", [("http", "HTTPTarget"), ("command", "CommandTarget"), ("agent", "AgentTarget"),
                                    ("monitor", "MonitorTarget"), ("workflow", "WorkflowTarget")],
                         description: "What a fire runs, told apart by kind."),
            Schema.objects("HTTPTarget", [
                M("method", .object(["type": "string", "enum": .array(HTTPTarget.methods.map { .string($0) })]),
                  .always, required: false, "GET by default"),
                M("url", Schema.httpURL, required: true),
                M("headers", Schema.headers(Schema.string)),
                M("headers_from_env", Schema.headers(Schema.envName), .always, required: false,
                  "Secret headers: header name to the NAME of the environment variable holding its value"),
                M("body", Schema.string, .whenSet, required: false, "A Mustache template"),
            ], kind: "http", description: "Sends an HTTP request; success is a 2xx status."),
            Schema.objects("CommandTarget", [
                M("argv", Schema.array(Schema.string, minItems: 1), required: true),
                M("env", Schema.map(Schema.string)),
                M("working_dir", Schema.absolutePath, .whenSet),
                M("shell", Schema.boolean),
            ], kind: "command", description: "Runs a command (needs the admin scope); success is exit status 0."),
            Schema.objects("AgentTarget", [
                M("agent", Schema.text(), required: true, "The agent's id or name"),
                M("prompt", Schema.text(max: 100_000), required: true, "A Mustache template"),
            ], kind: "agent", description: "Starts an agent session."),
            Schema.objects("MonitorTarget", monitorMembers, kind: "monitor", description: "Polls until a condition holds."),
            Schema.objects("WorkflowTarget", [
                M("workflow_id", Schema.text(), required: true),
                M("input", Schema.any, .whenSet),
            ], kind: "workflow", description: "Runs a workflow."),
            checks, conditions)
    }

    static let monitorMembers: [M] = [
        M("check", variant: "MonitorCheck", required: true),
        M("interval_seconds", Schema.number(min: 1, max: 86_400)),
        M("max_attempts", Schema.integer(1...100_000)),
        M("on_success_message", Schema.string, .whenSet),
        M("on_failure_message", Schema.string, .whenSet),
        M("on_complete", Schema.enumeration(MonitorSpec.Completion.self)),
    ]

    static var checks: [String: JSONValue] {
        Schema.merged(
            Schema.union("MonitorCheck", [("poll_url", "PollURLCheck"), ("poll_command", "PollCommandCheck"),
                                          ("poll_tool", "PollToolCheck"), ("delay", "DelayCheck")],
                         description: "What a monitor repeats, told apart by kind."),
            Schema.objects("PollURLCheck", [
                M("method", .object(["type": "string", "enum": .array(HTTPTarget.methods.map { .string($0) })])),
                M("url", Schema.httpURL, required: true),
                M("headers", Schema.headers(Schema.string)),
                M("headers_from_env", Schema.headers(Schema.envName)),
                M("expected_status", Schema.integer(100...599)),
                M("condition", variant: "Condition", .whenSet),
            ], kind: "poll_url"),
            Schema.objects("PollCommandCheck", [
                M("argv", Schema.array(Schema.string, minItems: 1), required: true),
                M("env", Schema.map(Schema.string)),
                M("condition", variant: "Condition", .whenSet),
            ], kind: "poll_command"),
            Schema.objects("PollToolCheck", [
                M("server", Schema.text(), required: true),
                M("tool", Schema.text(), required: true),
                M("arguments", Schema.map(Schema.any)),
                M("success_field", Schema.text(), required: true),
                M("success_values", Schema.array(Schema.any, minItems: 1), required: true),
            ], kind: "poll_tool"),
            Schema.objects("DelayCheck", [
                M("seconds", Schema.number(max: 30 * 86_400, exclusiveMin: 0), required: true),
            ], kind: "delay"))
    }

    static var conditions: [String: JSONValue] {
        let list: @Sendable (Schema.Variant) -> JSONValue = { Schema.array(Schema.ref($0.name("Condition")), minItems: 1) }
        return Schema.merged(
            Schema.union("Condition", [("contains", "ContainsCondition"), ("equals", "EqualsCondition"),
                                       ("matches", "MatchesCondition"), ("json_path", "JSONPathCondition"),
                                       ("all", "AllCondition"), ("any", "AnyCondition"), ("not", "NotCondition")],
                         description: "A test of a check's output, told apart by kind."),
            Schema.objects("ContainsCondition", [M("value", Schema.string, required: true)], kind: "contains"),
            Schema.objects("EqualsCondition", [M("value", Schema.string, required: true)], kind: "equals"),
            Schema.objects("MatchesCondition", [M("pattern", Schema.string, required: true, "A regular expression")], kind: "matches"),
            Schema.objects("JSONPathCondition", [
                M("path", .object(["type": "string", "pattern": "^\\$"]), required: true),
                M("op", Schema.enumeration(JSONPathTest.Operator.self)),
                M("value", Schema.any),
            ], kind: "json_path"),
            Schema.objects("AllCondition", [M("conditions", schema: list, required: true)], kind: "all"),
            Schema.objects("AnyCondition", [M("conditions", schema: list, required: true)], kind: "any"),
            Schema.objects("NotCondition", [M("condition", variant: "Condition", required: true)], kind: "not"))
    }
}
