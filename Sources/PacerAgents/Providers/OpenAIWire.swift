import Foundation
import PacerCore

/// The OpenAI Chat Completions wire format (`POST /chat/completions`), spoken by OpenAI and by
/// most local servers (Ollama, vLLM, llama.cpp). Pure: no I/O.
public enum OpenAIWire {
    /// The request body of a model call.
    ///
    /// The system prompt is the first message; an assistant turn carries its tool calls with
    /// their arguments as JSON text; a tool turn answers one call by `tool_call_id`. `tools`
    /// is left out when no tool is on offer.
    /// - Parameter request: the model call.
    /// - Returns: the JSON body.
    public static func body(_ request: ModelRequest) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            messages.append(["role": "system", "content": .string(system)])
        }
        messages += request.messages.map(message)
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "messages": .array(messages),
            "max_tokens": .number(Double(request.maxTokens)),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                [
                    "type": "function",
                    "function": [
                        "name": .string(tool.name), "description": .string(tool.description),
                        "parameters": tool.inputSchema,
                    ],
                ]
            })
        }
        return .object(body)
    }

    /// One transcript turn as a Chat Completions message.
    /// - Parameter message: the turn.
    static func message(_ message: Message) -> JSONValue {
        switch message.role {
        case .system, .user:
            return ["role": .string(message.role.rawValue), "content": .string(message.text ?? "")]
        case .assistant:
            guard !message.toolCalls.isEmpty else {
                return ["role": "assistant", "content": .string(message.text ?? "")]
            }
            return [
                "role": "assistant",
                "content": message.text.map(JSONValue.string) ?? .null,
                "tool_calls": .array(message.toolCalls.map { call in
                    [
                        "id": .string(call.id), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                }),
            ]
        case .tool:
            return ["role": "tool", "tool_call_id": .string(message.toolCallID ?? ""), "content": .string(message.text ?? "")]
        }
    }

    /// Parses a Chat Completions reply: `choices[0].message` (its `content` and `tool_calls`),
    /// `finish_reason` and `usage` (0 when absent).
    ///
    /// A tool call's `arguments` sent as a JSON object rather than a string (some servers do)
    /// is turned back into JSON text; `content` sent as an array of text parts is joined.
    /// - Parameter data: the response body.
    /// - Returns: the reply.
    /// - Throws: ``ModelError`` `.malformed`, quoting the start of the body, when the body is not
    ///   a chat completion.
    public static func reply(_ data: Data) throws(ModelError) -> ModelReply {
        let root = try WireJSON.parse(data, as: "a chat completion")
        guard case .object = root else { throw WireJSON.malformed("the reply is not a JSON object", data) }
        guard case .array(let choices)? = root["choices"] else {
            throw WireJSON.malformed("the reply has no choices", data)
        }
        guard let choice = choices.first else { throw WireJSON.malformed("the reply's choices are empty", data) }
        guard case .object? = choice["message"] else { throw WireJSON.malformed("choices[0].message is missing", data) }
        let message = choice["message"]!

        let text: String?
        switch message["content"] {
        case nil, .null?:
            text = nil
        case .string(let s)?:
            text = s
        case .array(let parts)?:
            text = try parts.enumerated().map { (i, part) throws(ModelError) -> String in
                guard let s = try WireJSON.string(part["text"], "choices[0].message.content[\(i)].text", in: data) else {
                    throw WireJSON.malformed("choices[0].message.content[\(i)] is not a text part", data)
                }
                return s
            }.joined()
        default:
            throw WireJSON.malformed("choices[0].message.content is not a string", data)
        }

        var calls: [ToolCallRequest] = []
        switch message["tool_calls"] {
        case nil, .null?:
            break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                calls.append(try toolCall(item, index: i, in: data))
            }
        default:
            throw WireJSON.malformed("choices[0].message.tool_calls is not an array", data)
        }

        let usage = root["usage"]
        return ModelReply(
            text: text, toolCalls: calls,
            inputTokens: WireJSON.count(usage?["prompt_tokens"]), outputTokens: WireJSON.count(usage?["completion_tokens"]),
            stopReason: try WireJSON.string(choice["finish_reason"], "choices[0].finish_reason", in: data))
    }

    /// One entry of `tool_calls`.
    private static func toolCall(_ item: JSONValue, index i: Int, in data: Data) throws(ModelError) -> ToolCallRequest {
        let path = "choices[0].message.tool_calls[\(i)]"
        guard case .object? = item["function"] else { throw WireJSON.malformed("\(path).function is missing", data) }
        let function = item["function"]!
        guard let name = try WireJSON.string(function["name"], "\(path).function.name", in: data) else {
            throw WireJSON.malformed("\(path).function.name is missing", data)
        }
        let arguments: String
        switch function["arguments"] {
        case nil, .null?: arguments = "{}"
        case .string(let s)?: arguments = s
        case let other?: arguments = WireJSON.text(other)
        }
        let id = try WireJSON.string(item["id"], "\(path).id", in: data) ?? "call_\(i + 1)"
        return ToolCallRequest(id: id, name: name, arguments: arguments)
    }
}
