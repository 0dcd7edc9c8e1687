import Foundation
import HTTPTypes
import PacerCore
import PacerOperations
import Recurrence

/// `POST /v1/preview`: a rule in English and its next fires, for the schedule form's live
/// preview. A rule or zone that does not parse is a 422 naming `rule` or `timezone`.
public enum PreviewRoutes {
    /// The most fires a preview lists.
    static let maxCount = 50

    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        [
            APIRoute(.post, "/v1/preview", scope: .read, doc: OperationDoc(
                "previewRule", "Describe a rule and list its next fires", tag: "schedules",
                requestBody: Schema.ref("PreviewInput"),
                responses: [200: ResponseDoc("The rule's description and next fires", Schema.ref("Preview"))], errors: [422])
            ) { request, _ in
                let input = try DefinitionDecoding.object(try await request.decodeJSON(JSONValue.self), "rule, timezone, count and from")
                return try jsonResponse(try preview(input, now: services.clock.now()))
            },
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] {
        [
            "PreviewInput": [
                "type": "object", "additionalProperties": false,
                "oneOf": .array(["rule", "cron", "every", "at"].map { ["required": [.string($0)]] }),
                "properties": [
                    "rule": ["type": "string", "minLength": 1, "pattern": "\\S",
                             "description": "A cron expression, a macro such as @daily, or a human rule such as 'every 15m'"],
                    "cron": ["type": "string", "minLength": 1, "description": "Shorthand: a cron expression or macro"],
                    "every": ["type": "string", "minLength": 1, "description": "Shorthand for 'every N': a duration such as 30s, 5m or 2h"],
                    "at": ["type": "string", "format": "date-time", "description": "Shorthand for one fire at this instant"],
                    "timezone": ["type": ["string", "null"], "description": "IANA zone; UTC by default"],
                    "count": ["type": ["integer", "null"], "minimum": 1, "maximum": .number(Double(maxCount)),
                              "description": "How many fires (default 5)"],
                    "from": ["type": ["string", "null"], "format": "date-time",
                             "description": "List fires after this instant (default now); also the anchor of interval rules"],
                ],
            ],
            "Preview": [
                "type": "object", "required": ["rule", "timezone", "description", "fires", "next"],
                "properties": [
                    "rule": Schema.string,
                    "timezone": Schema.string,
                    "description": ["type": "string", "description": "The rule in English"],
                    "fires": ["type": "array", "items": Schema.dateTime, "description": "The next fires, with the zone's offset (as `pacer next --json`)"],
                    "next": ["type": "array", "items": Schema.dateTime, "description": "The same as fires (kept for older clients)"],
                ],
            ],
        ]
    }

    /// Whether an RFC 3339 text has a four-digit year from 0001 to 9999.
    static func isWritable(_ text: String) -> Bool {
        let year = text.prefix(5)
        return year.count == 5 && year.last == "-" && year.dropLast().allSatisfy { ("0"..."9").contains($0) } && year != "0000-"
    }

    /// The preview of a request body.
    /// - Throws: ``APIError`` 422 naming the member at fault.
    static func preview(_ given: [String: JSONValue], now: Date) throws -> JSONValue {
        var input = given
        for key in input.keys.sorted() where !["rule", "cron", "every", "at", "timezone", "count", "from"].contains(key) {
            throw DefinitionDecoding.invalid(key, "unknown key; give rule (or cron, every, at), timezone, count and from")
        }
        // The shorthands of a schedule definition, read as `POST /v1/schedules` reads them.
        let shorthands = ["cron", "every", "at"].filter { input[$0] != nil && input[$0] != .null }
        if let key = shorthands.first {
            if shorthands.count > 1 || (input["rule"] != nil && input["rule"] != .null) {
                throw DefinitionDecoding.invalid(key, "give only one of rule, cron, every and at")
            }
            var definition: [String: JSONValue] = [key: input[key]!]
            _ = try ScheduleInput.expandShorthands(&definition)
            input["rule"] = definition["timing"]?["rule"]
        }
        guard case .string(let rule)? = input["rule"] else {
            throw DefinitionDecoding.invalid("rule", input["rule"] == nil || input["rule"] == .null
                ? "is required: a cron expression or a rule such as 'every 15m' (or give cron, every or at)" : "expected a string")
        }
        guard !rule.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DefinitionDecoding.invalid("rule", "must not be empty: give a cron expression or a rule such as 'every 15m'")
        }
        var timezone: String?
        switch input["timezone"] {
        case nil, .null?: break
        case .string(let zone)?: timezone = zone
        default: throw DefinitionDecoding.invalid("timezone", "expected a string, an IANA zone such as Europe/Berlin")
        }
        var count = 5
        switch input["count"] {
        case nil, .null?: break
        case .number(let n)? where n == n.rounded() && n >= 1 && n <= Double(maxCount): count = Int(n)
        default: throw DefinitionDecoding.invalid("count", "expected a whole number between 1 and \(maxCount)")
        }
        var from = Int64(now.timeIntervalSince1970.rounded(.down))
        switch input["from"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let instant = Timestamp.parse(text) else {
                throw DefinitionDecoding.invalid("from", "'\(text.prefix(100))' is not an RFC 3339 instant such as 2026-03-08T09:00:00Z")
            }
            from = instant
        default: throw DefinitionDecoding.invalid("from", "expected an RFC 3339 instant such as 2026-03-08T09:00:00Z")
        }
        guard rule.count <= 1000 else { throw DefinitionDecoding.invalid("rule", "is \(rule.count) characters long; at most 1000 are allowed") }
        let preview: RulePreview
        do {
            preview = try RulePreview(rule: rule, timezone: timezone, from: from, count: count)
        } catch {
            switch error.field {
            case "timezone", "count": throw DefinitionDecoding.invalid(error.field, error.message)
            case "rule": throw DefinitionDecoding.invalid("rule", error.message)
            default: throw DefinitionDecoding.invalid("rule", error.description)
            }
        }
        return [
            "rule": .string(preview.rule), "timezone": .string(preview.timezone), "description": .string(preview.description),
            // Fires past the year 9999 (or before the year 1) cannot be written in RFC 3339.
            "fires": .array(preview.fires.filter(isWritable).map(JSONValue.string)),
            "next": .array(preview.fires.filter(isWritable).map(JSONValue.string)),
        ]
    }
}
