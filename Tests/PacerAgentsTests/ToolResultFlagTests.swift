import Foundation
import PacerAgents
import PacerCore
import Testing

@Suite("Failed tool results")
struct ToolResultFlagTests {
    @Test("a failed tool call is sent to Anthropic as is_error; a successful one without the flag")
    func anthropicIsError() throws {
        let request = ModelRequest(model: "m", system: nil, messages: [
            Message(role: .user, text: "go"),
            Message(role: .assistant, text: nil, toolCalls: [ToolCallRequest(id: "t1", name: "a", arguments: "{}"),
                                                            ToolCallRequest(id: "t2", name: "b", arguments: "{}")]),
            Message(role: .tool, text: #"{"ok":false}"#, toolCallID: "t1", isError: true),
            Message(role: .tool, text: #"{"ok":true}"#, toolCallID: "t2"),
        ], tools: [])
        guard case .array(let messages)? = AnthropicWire.body(request)["messages"],
              case .array(let blocks)? = messages.last?["content"] else {
            Issue.record("no tool results")
            return
        }
        #expect(blocks.count == 2)
        #expect(blocks[0]["is_error"] == true)
        #expect(blocks[1]["is_error"] == nil)
    }

    @Test("the flag survives the store's JSON and is left out when false")
    func coding() throws {
        let failed = Message(role: .tool, text: "x", toolCallID: "t1", isError: true)
        let data = try PacerJSON.encode([failed, Message(role: .user, text: "y")])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == #"[{"is_error":true,"role":"tool","text":"x","tool_call_id":"t1"},{"role":"user","text":"y"}]"#)
        #expect(try PacerJSON.decode([Message].self, from: data) == [failed, Message(role: .user, text: "y")])
    }
}
