import Foundation

/// One turn of a session's transcript.
public struct Message: Sendable, Hashable, Codable {
    /// Who speaks.
    public enum Role: String, WireEnum {
        case system, user, assistant, tool
        public static let wireName = "message role"
    }

    /// Who speaks.
    public var role: Role
    /// The text, if any (an assistant turn may hold only tool calls).
    public var text: String?
    /// Tools the assistant asks to call.
    public var toolCalls: [ToolCallRequest]
    /// For a `tool` turn, the call it answers.
    public var toolCallID: String?
    /// For a `tool` turn, whether the call failed (sent to providers that take the flag).
    public var isError: Bool

    enum CodingKeys: String, CodingKey {
        case role, text, toolCalls = "tool_calls", toolCallID = "tool_call_id", isError = "is_error"
    }

    /// - Parameters:
    ///   - role: who speaks.
    ///   - text: the text.
    ///   - toolCalls: requested tool calls.
    ///   - toolCallID: the call a tool turn answers.
    ///   - isError: whether a tool turn reports a failed call.
    public init(role: Role, text: String?, toolCalls: [ToolCallRequest] = [], toolCallID: String? = nil,
                isError: Bool = false) {
        self.isError = isError
        self.role = role
        self.text = text
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(role: try c.decode(Role.self, forKey: .role), text: try c.decodeIfPresent(String.self, forKey: .text),
                  toolCalls: try c.decodeIfPresent([ToolCallRequest].self, forKey: .toolCalls) ?? [],
                  toolCallID: try c.decodeIfPresent(String.self, forKey: .toolCallID),
                  isError: try c.decodeIfPresent(Bool.self, forKey: .isError) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encodeIfPresent(text, forKey: .text)
        if !toolCalls.isEmpty { try c.encode(toolCalls, forKey: .toolCalls) }
        try c.encodeIfPresent(toolCallID, forKey: .toolCallID)
        if isError { try c.encode(true, forKey: .isError) }
    }
}

/// A tool call the model asked for.
public struct ToolCallRequest: Sendable, Hashable, Codable {
    /// The provider's call id.
    public var id: String
    /// The tool.
    public var name: String
    /// The arguments as the model wrote them (a JSON text, possibly malformed).
    public var arguments: String

    enum CodingKeys: String, CodingKey { case id, name, arguments }

    /// - Parameters:
    ///   - id: call id.
    ///   - name: tool name.
    ///   - arguments: JSON text.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A tool call that was carried out, for the session's tool log.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The call id it answers.
    public var callID: String?
    /// The tool.
    public var name: String
    /// The arguments, a JSON text.
    public var arguments: String
    /// What the tool returned (or the error text).
    public var output: String
    /// How long it took.
    public var durationMs: Int
    /// Whether it failed.
    public var isError: Bool
    /// When it started.
    public var at: Date?

    enum CodingKeys: String, CodingKey {
        case callID = "call_id", name, arguments, output, durationMs = "duration_ms", isError = "is_error", at
    }

    /// - Parameters:
    ///   - callID: call id.
    ///   - name: tool name.
    ///   - arguments: JSON text.
    ///   - output: result.
    ///   - durationMs: duration.
    ///   - isError: whether it failed.
    ///   - at: start.
    public init(callID: String? = nil, name: String, arguments: String, output: String, durationMs: Int,
                isError: Bool = false, at: Date? = nil) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.output = output
        self.durationMs = durationMs
        self.isError = isError
        self.at = at
    }
}

/// Something that happened in a session (`cap_exceeded`, `prompt_render_error`, ...).
public struct SessionEvent: Sendable, Hashable, Codable {
    /// An open set of event names; new ones do not break old readers.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral {
        public var rawValue: String
        /// - Parameter rawValue: the name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(rawValue)
        }
        /// A cap was breached (detail: `cap`, `observed`, `limit`).
        public static let capExceeded: Kind = "cap_exceeded"
        /// A template failed to render; the raw prompt was used.
        public static let promptRenderError: Kind = "prompt_render_error"
        /// The session deferred itself (detail: `resume_at`).
        public static let resumeScheduled: Kind = "resume_scheduled"
        /// A dangerous tool was denied by the approval mode.
        public static let toolDenied: Kind = "tool_denied"
        /// The state changed (detail: `from`, `to`).
        public static let stateChanged: Kind = "state_changed"
    }

    /// When.
    public var at: Date
    /// What.
    public var kind: Kind
    /// Details, a JSON object.
    public var detail: [String: JSONValue]

    enum CodingKeys: String, CodingKey { case at, kind, detail }

    /// - Parameters:
    ///   - at: when.
    ///   - kind: what.
    ///   - detail: details.
    public init(at: Date, kind: Kind, detail: [String: JSONValue] = [:]) {
        self.at = at
        self.kind = kind
        self.detail = detail
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(at: try c.decode(Date.self, forKey: .at), kind: try c.decode(Kind.self, forKey: .kind),
                  detail: try c.decodeIfPresent([String: JSONValue].self, forKey: .detail) ?? [:])
    }
}
