import Foundation
import PacerCore

/// The Anthropic Messages wire format (`POST /v1/messages`). Pure: no I/O.
public enum AnthropicWire {
    /// The `anthropic-version` header every request sends.
    public static let version = "2023-06-01"

    /// The request body of a model call.
    ///
    /// The system prompt and any `system` turns of the transcript go to `system`, joined by a
    /// blank line. A user turn is a `text` block; an assistant turn is its `text` block then
    /// one `tool_use` block per call (`input` is the arguments parsed, `{}` when they are not a
    /// JSON object); a tool turn is a `tool_result` block in a user message. Consecutive turns
    /// of the same role are merged into one message, as the API wants roles to alternate;
    /// empty text is left out, as the API refuses empty text blocks.
    /// - Parameter request: the model call.
    /// - Returns: the JSON body.
    public static func body(_ request: ModelRequest) -> JSONValue {
        var system: [String] = []
        if let prompt = request.system, !prompt.isEmpty { system.append(prompt) }
        var turns: [(role: String, blocks: [JSONValue])] = []
        for message in request.messages {
            if message.role == .system {
                if let text = message.text, !text.isEmpty { system.append(text) }
                continue
            }
            let (role, blocks) = content(of: message)
            guard !blocks.isEmpty else { continue }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }

        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "max_tokens": .number(Double(request.maxTokens)),
            "messages": .array(turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }),
        ]
        if !system.isEmpty { body["system"] = .string(system.joined(separator: "\n\n")) }
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.inputSchema]
            })
        }
        return .object(body)
    }

    /// The role and content blocks of one (non-system) transcript turn.
    /// - Parameter message: the turn.
    static func content(of message: Message) -> (role: String, blocks: [JSONValue]) {
        var blocks: [JSONValue] = []
        switch message.role {
        case .system, .user:
            if let text = message.text, !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
            return ("user", blocks)
        case .assistant:
            if let text = message.text, !text.isEmpty { blocks.append(["type": "text", "text": .string(text)]) }
            for call in message.toolCalls {
                var input: JSONValue = [:]
                if let parsed = WireJSON.value(of: call.arguments), case .object = parsed { input = parsed }
                blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": input])
            }
            return ("assistant", blocks)
        case .tool:
            var result: [String: JSONValue] = [
                "type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""),
                "content": .string(message.text ?? ""),
            ]
            if message.isError { result["is_error"] = true }
            blocks.append(.object(result))
            return ("user", blocks)
        }
    }

    /// Parses a Messages reply: the `text` blocks joined, each `tool_use` block as a tool call
    /// (its `input` as JSON text), `stop_reason` and `usage` (0 when absent). Other block
    /// kinds (`thinking`, ...) are skipped.
    /// - Parameter data: the response body.
    /// - Returns: the reply.
    /// - Throws: ``ModelError`` `.malformed`, quoting the start of the body, when the body is not
    ///   a message.
    public static func reply(_ data: Data) throws(ModelError) -> ModelReply {
        let root = try WireJSON.parse(data, as: "a message")
        guard case .object = root else { throw WireJSON.malformed("the reply is not a JSON object", data) }
        guard case .array(let blocks)? = root["content"] else {
            throw WireJSON.malformed("the reply has no content array", data)
        }
        var texts: [String] = []
        var calls: [ToolCallRequest] = []
        for (i, block) in blocks.enumerated() {
            let path = "content[\(i)]"
            guard case .object = block else { throw WireJSON.malformed("\(path) is not an object", data) }
            switch try WireJSON.string(block["type"], "\(path).type", in: data) {
            case "text":
                guard let text = try WireJSON.string(block["text"], "\(path).text", in: data) else {
                    throw WireJSON.malformed("\(path).text is missing", data)
                }
                texts.append(text)
            case "tool_use":
                guard let id = try WireJSON.string(block["id"], "\(path).id", in: data),
                      let name = try WireJSON.string(block["name"], "\(path).name", in: data)
                else { throw WireJSON.malformed("\(path) has no id or name", data) }
                calls.append(ToolCallRequest(id: id, name: name, arguments: WireJSON.text(block["input"] ?? [:])))
            default:
                continue
            }
        }
        let usage = root["usage"]
        return ModelReply(
            text: texts.isEmpty ? nil : texts.joined(), toolCalls: calls,
            inputTokens: WireJSON.count(usage?["input_tokens"]), outputTokens: WireJSON.count(usage?["output_tokens"]),
            stopReason: try WireJSON.string(root["stop_reason"], "stop_reason", in: data))
    }
}
