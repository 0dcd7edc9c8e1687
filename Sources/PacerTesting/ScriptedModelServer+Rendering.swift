import Foundation
import PacerCore

/// An answer ready to write: status, headers, body, and a wait before it.
struct ScriptedModelAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
    var delay: Double

    /// The answer when the queue is empty: a permanent error, so a client fails fast.
    static let nothingQueued = ScriptedModelAnswer(
        status: 418, headers: ["Content-Type": "text/plain; charset=utf-8"],
        body: "scripted model server: no reply queued", delay: 0)
}

/// The server's mutable state: the calls received, the reply queue and the id counters.
actor ScriptedModelState {
    private(set) var calls: [ModelCall] = []
    private var queue: [ScriptedReply] = []
    private var replies = 0
    private var toolIDs = 0

    var pending: Int { queue.count }

    func enqueue(_ replies: [ScriptedReply]) { queue += replies }

    /// Records a call and renders the next queued reply in its format.
    func receive(_ call: ModelCall) -> ScriptedModelAnswer {
        calls.append(call)
        guard !queue.isEmpty else { return .nothingQueued }
        var reply = queue.removeFirst()
        var delay = 0.0
        while case .delayed(let seconds, let inner) = reply {
            delay += max(0, seconds)
            reply = inner
        }
        var answer = render(reply, for: call)
        answer.delay = delay
        return answer
    }

    /// One reply as the wire format of the call.
    private func render(_ reply: ScriptedReply, for call: ModelCall) -> ScriptedModelAnswer {
        let json = ["Content-Type": "application/json"]
        switch reply {
        case .status(let status, let body, let headers):
            var headers = headers
            if !headers.keys.contains(where: { $0.lowercased() == "content-type" }), !body.isEmpty {
                let isJSON = (try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))) != nil
                headers["Content-Type"] = isJSON ? "application/json" : "text/plain; charset=utf-8"
            }
            return ScriptedModelAnswer(status: status, headers: headers, body: body, delay: 0)
        case .raw(let body):
            return ScriptedModelAnswer(status: 200, headers: json, body: body, delay: 0)
        case .text(let text, let input, let output):
            return ScriptedModelAnswer(status: 200, headers: json,
                                       body: encode(message(call, text: text, calls: [], input: input, output: output)), delay: 0)
        case .toolCalls(let calls, let text, let input, let output):
            return ScriptedModelAnswer(status: 200, headers: json,
                                       body: encode(message(call, text: text, calls: calls, input: input, output: output)),
                                       delay: 0)
        case .delayed(_, let inner):
            return render(inner, for: call)
        }
    }

    /// A reply body in the call's format.
    private func message(_ call: ModelCall, text: String?, calls: [ScriptedToolCall], input: Int, output: Int) -> JSONValue {
        replies += 1
        let model = JSONValue.string(call.model ?? "scripted-model")
        switch call.format {
        case .openai:
            var message: [String: JSONValue] = ["role": "assistant", "content": text.map(JSONValue.string) ?? .null]
            if !calls.isEmpty {
                message["tool_calls"] = .array(calls.map { tool in
                    [
                        "id": .string(tool.id ?? nextToolID("call_")), "type": "function",
                        "function": ["name": .string(tool.name), "arguments": .string(encode(tool.arguments))],
                    ]
                })
            }
            return [
                "id": .string("chatcmpl-scripted-\(replies)"), "object": "chat.completion",
                "created": .number(Date().timeIntervalSince1970.rounded(.down)), "model": model,
                "choices": [[
                    "index": 0, "message": .object(message),
                    "finish_reason": calls.isEmpty ? "stop" : "tool_calls",
                ]],
                "usage": [
                    "prompt_tokens": .number(Double(input)), "completion_tokens": .number(Double(output)),
                    "total_tokens": .number(Double(input + output)),
                ],
            ]
        case .anthropic:
            var content: [JSONValue] = []
            if let text { content.append(["type": "text", "text": .string(text)]) }
            for tool in calls {
                content.append([
                    "type": "tool_use", "id": .string(tool.id ?? nextToolID("toolu_")), "name": .string(tool.name),
                    "input": tool.arguments,
                ])
            }
            return [
                "id": .string("msg_scripted_\(replies)"), "type": "message", "role": "assistant", "model": model,
                "content": .array(content), "stop_reason": calls.isEmpty ? "end_turn" : "tool_use", "stop_sequence": nil,
                "usage": ["input_tokens": .number(Double(input)), "output_tokens": .number(Double(output))],
            ]
        }
    }

    private func nextToolID(_ prefix: String) -> String {
        toolIDs += 1
        return prefix + String(toolIDs)
    }

    private func encode(_ value: JSONValue) -> String {
        String(decoding: (try? PacerJSON.encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
