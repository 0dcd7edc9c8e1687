import Foundation
import PacerCore

/// What a ``ScriptedModelServer`` answers to one model call, rendered in the wire format of
/// the request (OpenAI Chat Completions or Anthropic Messages).
public enum ScriptedReply: Sendable {
    /// A text reply (`finish_reason: stop` / `stop_reason: end_turn`).
    case text(String, inputTokens: Int = 10, outputTokens: Int = 5)
    /// A reply asking for tool calls, with optional text before them
    /// (`finish_reason: tool_calls` / `stop_reason: tool_use`).
    case toolCalls([ScriptedToolCall], text: String? = nil, inputTokens: Int = 10, outputTokens: Int = 5)
    /// An error answer: a status, a body and headers (e.g. `Retry-After`).
    case status(Int, body: String = "", headers: [String: String] = [:])
    /// `200 OK` with this body, verbatim (to test malformed replies).
    case raw(String)
    /// Waits the given seconds, then answers with the inner reply.
    indirect case delayed(Double, ScriptedReply)
}

/// A tool call in a ``ScriptedReply``.
public struct ScriptedToolCall: Sendable, Hashable {
    /// The tool.
    public var name: String
    /// The arguments (sent as JSON text to OpenAI clients, as `input` to Anthropic ones).
    public var arguments: JSONValue
    /// The call id; when `nil` the server numbers it (`call_1`, `toolu_2`, ...).
    public var id: String?

    /// - Parameters:
    ///   - name: the tool.
    ///   - arguments: the arguments, usually an object.
    ///   - id: the call id, generated when `nil`.
    public init(name: String, arguments: JSONValue, id: String? = nil) {
        self.name = name
        self.arguments = arguments
        self.id = id
    }
}

/// One request a ``ScriptedModelServer`` received on a model endpoint.
public struct ModelCall: Sendable {
    /// The wire format of a call.
    public enum Format: String, Sendable, Hashable {
        /// `POST /v1/chat/completions`.
        case openai
        /// `POST /v1/messages`.
        case anthropic
    }

    /// Which wire format the request used.
    public var format: Format
    /// The request path (`/v1/chat/completions`).
    public var path: String
    /// The headers, names lower-cased (several values of one name joined by `, `).
    public var headers: [String: String]
    /// The body parsed as JSON (`null` when it is not JSON).
    public var body: JSONValue
    /// The body as text.
    public var bodyText: String

    /// - Parameters:
    ///   - format: the wire format.
    ///   - path: the path.
    ///   - headers: headers, names lower-cased.
    ///   - body: the parsed body.
    ///   - bodyText: the body text.
    public init(format: Format, path: String, headers: [String: String], body: JSONValue, bodyText: String) {
        self.format = format
        self.path = path
        self.headers = headers
        self.body = body
        self.bodyText = bodyText
    }

    /// The model the request named (`body.model`), if any.
    public var model: String? {
        if case .string(let model)? = body["model"] { return model }
        return nil
    }
}
