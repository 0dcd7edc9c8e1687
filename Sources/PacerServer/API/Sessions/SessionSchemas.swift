import Foundation
import PacerCore

/// JSON Schemas (OpenAPI 3.1) of sessions as the API returns them.
enum SessionSchemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func nullable(_ name: String) -> JSONValue { ["anyOf": [ref(name), ["type": "null"]]] }
    static func arrayOf(_ name: String) -> JSONValue { ["type": "array", "items": ref(name)] }
    static func enumeration(_ names: [String], nullable: Bool = false) -> JSONValue {
        nullable
            ? ["type": ["string", "null"], "enum": .array(names.map(JSONValue.string) + [.null])]
            : ["type": "string", "enum": .array(names.map(JSONValue.string))]
    }

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let instant: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableInstant: JSONValue = ["type": ["string", "null"], "format": "date-time"]

    /// An object schema.
    /// - Parameters:
    ///   - description: what it is.
    ///   - required: the members always present.
    ///   - properties: every member.
    static func object(_ description: String, required: [String], _ properties: [String: JSONValue]) -> JSONValue {
        ["type": "object", "description": .string(description), "required": .array(required.map(JSONValue.string)),
         "properties": .object(properties)]
    }

    static let states = Session.State.allCases.map(\.rawValue)

    static var all: [String: JSONValue] {
        [
            "Session": session,
            "SessionSummary": summary,
            "SessionList": object("Sessions, newest first; next_cursor when more follow.", required: ["sessions"],
                                 ["sessions": arrayOf("SessionSummary"),
                                  "next_cursor": ["type": "string", "description": "Present when more sessions follow: the cursor of the next page"]]),
            "SessionChain": object(
                "A session and its predecessors through previous_session_id, newest first; next: the sessions that follow it.",
                required: ["sessions", "next"], ["sessions": arrayOf("SessionSummary"), "next": arrayOf("SessionSummary")]),
            "Message": message,
            "ToolCallRequest": object("A tool call the model asked for.", required: ["id", "name", "arguments"],
                                      ["id": string, "name": string, "arguments": ["type": "string", "description": "A JSON text as the model wrote it."]]),
            "ToolCall": toolCall,
            "SessionEvent": object("Something that happened in a session (state_changed, cap_exceeded, resume_scheduled, ...).",
                                   required: ["at", "kind", "detail"], ["at": instant, "kind": string, "detail": ["type": "object"]]),
            "SessionRecurrence": recurrence,
        ]
    }

    static let session = object(
        "An agent session: transcript, tool log, events, usage and links. Members without a value are left out.",
        required: ["id", "agent_id", "state", "messages", "tool_log", "events", "input_tokens", "output_tokens", "cost",
                   "created_at", "updated_at"],
        [
            "id": string, "agent_id": string, "schedule_id": string, "item_key": string,
            "state": enumeration(states),
            "messages": arrayOf("Message"), "tool_log": arrayOf("ToolCall"), "events": arrayOf("SessionEvent"),
            "input_tokens": integer, "output_tokens": integer, "cost": number,
            "previous_session_id": string, "resume_at": instant, "resume_prompt": string,
            "recurrence": ref("SessionRecurrence"),
            "created_at": instant, "updated_at": instant,
            "agent_name": ["type": "string", "description": "The agent's name, when the agent exists."],
            "schedule_name": ["type": "string", "description": "The schedule's name, when the schedule exists."],
        ])

    static let summary = object(
        "A session in a list: no transcript; turns counts the assistant messages; last_text is the last assistant text, at most 500 characters.",
        required: ["id", "agent_id", "schedule_id", "item_key", "state", "input_tokens", "output_tokens", "cost", "turns",
                   "created_at", "updated_at", "resume_at", "resume_prompt", "previous_session_id", "recurrence", "last_text"],
        [
            "id": string, "agent_id": string, "schedule_id": nullableString, "item_key": nullableString,
            "state": enumeration(states),
            "input_tokens": integer, "output_tokens": integer, "cost": number, "turns": integer,
            "created_at": instant, "updated_at": instant, "resume_at": nullableInstant, "resume_prompt": nullableString,
            "previous_session_id": nullableString, "recurrence": nullable("SessionRecurrence"),
            "last_text": ["type": ["string", "null"], "maxLength": .number(Double(SessionViews.lastTextLimit))],
        ])

    static let message = object(
        "One turn of the transcript.", required: ["role"],
        [
            "role": enumeration(Message.Role.allCases.map(\.rawValue)),
            "text": string, "tool_calls": arrayOf("ToolCallRequest"), "tool_call_id": string,
            "is_error": ["type": "boolean", "description": "Present (true) on a tool turn that reports a failed call."],
        ])

    static let toolCall = object(
        "A tool call carried out.", required: ["name", "arguments", "output", "duration_ms", "is_error"],
        [
            "call_id": string, "name": string, "arguments": string, "output": string,
            "duration_ms": integer, "is_error": boolean, "at": instant,
        ])

    static let recurrence = object(
        "Recurring wake-ups set by schedule_recurring: at started_at + k * every_seconds.",
        required: ["every_seconds", "runs_done", "prompt", "started_at"],
        [
            "every_seconds": integer, "until": instant, "max_runs": integer, "runs_done": integer,
            "prompt": string, "started_at": instant,
        ])
}
