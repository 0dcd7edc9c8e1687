import Foundation
import PacerCore

/// A tool as the model sees it: a name, what it does, and a JSON Schema of its arguments.
public struct ToolSpec: Sendable, Hashable {
    /// The name the model calls it by.
    public var name: String
    /// What it does, for the model.
    public var description: String
    /// A JSON Schema object of its arguments.
    public var inputSchema: JSONValue

    /// - Parameters:
    ///   - name: the tool's name.
    ///   - description: what it does.
    ///   - inputSchema: a JSON Schema object.
    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// One model call: the system prompt, the transcript so far and the tools on offer.
public struct ModelRequest: Sendable, Hashable {
    /// The model name.
    public var model: String
    /// The system prompt.
    public var system: String?
    /// The transcript: `user`, `assistant` (text and/or tool calls) and `tool` turns.
    public var messages: [Message]
    /// The tools the model may call.
    public var tools: [ToolSpec]
    /// Most output tokens of the reply.
    public var maxTokens: Int

    /// - Parameters:
    ///   - model: model name.
    ///   - system: system prompt.
    ///   - messages: transcript.
    ///   - tools: tools on offer.
    ///   - maxTokens: most output tokens.
    public init(model: String, system: String?, messages: [Message], tools: [ToolSpec], maxTokens: Int = 4096) {
        self.model = model
        self.system = system
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
    }
}

/// What the model answered.
public struct ModelReply: Sendable, Hashable {
    /// The text of the reply, if any.
    public var text: String?
    /// Tools the model asks to call, in order.
    public var toolCalls: [ToolCallRequest]
    /// Input (prompt) tokens the provider counted.
    public var inputTokens: Int
    /// Output (completion) tokens the provider counted.
    public var outputTokens: Int
    /// Why the model stopped, as the provider says it (`stop`, `tool_calls`, `end_turn`, ...).
    public var stopReason: String?

    /// - Parameters:
    ///   - text: reply text.
    ///   - toolCalls: requested tool calls.
    ///   - inputTokens: input tokens.
    ///   - outputTokens: output tokens.
    ///   - stopReason: the provider's stop reason.
    public init(text: String?, toolCalls: [ToolCallRequest] = [], inputTokens: Int = 0, outputTokens: Int = 0,
                stopReason: String? = nil) {
        self.text = text
        self.toolCalls = toolCalls
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.stopReason = stopReason
    }
}

/// A model endpoint: one wire format (OpenAI-compatible Chat Completions, Anthropic Messages).
/// Implementations retry what is worth retrying (429, 5xx, a dropped connection) themselves
/// and throw ``ModelError`` for the rest; they honour task cancellation.
public protocol ModelProvider: Sendable {
    /// One model call.
    /// - Parameter request: the transcript and tools.
    /// - Returns: the reply with its token usage.
    /// - Throws: ``ModelError``.
    func complete(_ request: ModelRequest) async throws -> ModelReply
}

/// Why a model call failed, with a message a user can act on.
public struct ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// 401 / 403: the key is missing, wrong or not allowed.
        case unauthorized
        /// 404: wrong base URL or model name.
        case notFound = "not_found"
        /// 429 after every retry.
        case rateLimited = "rate_limited"
        /// 5xx after every retry.
        case server
        /// Another 4xx: the request was refused.
        case badRequest = "bad_request"
        /// The reply was not the JSON the wire format promises.
        case malformed
        /// No connection, a dropped connection, or the request timeout.
        case transport
        /// The environment variable named for the API key is not set.
        case missingKey = "missing_key"
    }

    /// What kind of failure.
    public var kind: Kind
    /// The HTTP status, when there was one.
    public var status: Int?
    /// What went wrong, for the session's events and the run's error.
    public var message: String
    /// Seconds the provider asked to wait (`Retry-After`), on a 429.
    public var retryAfter: Double?

    /// - Parameters:
    ///   - kind: the kind.
    ///   - status: HTTP status.
    ///   - message: the message.
    ///   - retryAfter: seconds to wait.
    public init(_ kind: Kind, status: Int? = nil, _ message: String, retryAfter: Double? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Whether a later run may succeed (rate limits, server errors, network trouble).
    public var isTransient: Bool { kind == .rateLimited || kind == .server || kind == .transport }

    public var description: String { message }
}
