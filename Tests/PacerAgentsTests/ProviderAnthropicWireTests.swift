import Foundation
import PacerCore
import Testing
@testable import PacerAgents

@Suite struct ProviderAnthropicWireTests {
    @Test func body_weatherTranscript_equalsRecordedRequest() throws {
        let body = AnthropicWire.body(weatherRequest(model: "claude-sonnet-4-20250514", callID: "toolu_01A09q90qw90lq917835lq9"))
        #expect(body == (try fixtureJSON("anthropic-messages-request.json")))
    }

    @Test func body_consecutiveToolResultsAndUserText_mergeIntoOneUserMessage() throws {
        let request = ModelRequest(model: "m", system: nil, messages: [
            Message(role: .user, text: "Compare the weather in Paris and Oslo."),
            Message(role: .assistant, text: nil, toolCalls: [
                ToolCallRequest(id: "t1", name: "get_weather", arguments: #"{"location":"Paris"}"#),
                ToolCallRequest(id: "t2", name: "get_weather", arguments: #"{"location":"Oslo"}"#),
            ]),
            Message(role: .tool, text: "14 C, rain", toolCallID: "t1"),
            Message(role: .tool, text: "2 C, snow", toolCallID: "t2"),
            Message(role: .user, text: "Also in Fahrenheit, please."),
        ], tools: [], maxTokens: 100)
        let expected = try json("""
            {"model": "m", "max_tokens": 100, "messages": [
              {"role": "user", "content": [{"type": "text", "text": "Compare the weather in Paris and Oslo."}]},
              {"role": "assistant", "content": [
                {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {"location": "Paris"}},
                {"type": "tool_use", "id": "t2", "name": "get_weather", "input": {"location": "Oslo"}}]},
              {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "t1", "content": "14 C, rain"},
                {"type": "tool_result", "tool_use_id": "t2", "content": "2 C, snow"},
                {"type": "text", "text": "Also in Fahrenheit, please."}]}
            ]}
            """)
        #expect(AnthropicWire.body(request) == expected)
    }

    @Test func body_systemTurnsJoinSystemPrompt_andArgumentsNotAnObjectBecomeEmptyInput() throws {
        let request = ModelRequest(model: "m", system: "Be brief.", messages: [
            Message(role: .system, text: "Today is Monday."),
            Message(role: .user, text: "Go"),
            Message(role: .assistant, text: "", toolCalls: [ToolCallRequest(id: "t1", name: "run", arguments: "not json")]),
            Message(role: .tool, text: "ok", toolCallID: "t1"),
        ], tools: [], maxTokens: 10)
        let body = AnthropicWire.body(request)
        #expect(body["system"] == "Be brief.\n\nToday is Monday.")
        #expect(body["tools"] == nil)
        #expect(body.value(at: "messages.1.content") == [["type": "tool_use", "id": "t1", "name": "run", "input": [:]]])
        #expect(body.value(at: "messages.2.role") == "user")
    }

    @Test func body_noSystemPrompt_omitsSystem() {
        let request = ModelRequest(model: "m", system: nil, messages: [Message(role: .user, text: "Hi")], tools: [])
        #expect(AnthropicWire.body(request)["system"] == nil)
    }

    @Test func reply_textExample_givesTextStopReasonAndUsage() throws {
        let reply = try AnthropicWire.reply(fixture("anthropic-messages-response-text.json"))
        #expect(reply == ModelReply(text: "Yes, take an umbrella: there is light rain in Paris at 14 °C.", toolCalls: [],
                                    inputTokens: 2095, outputTokens: 503, stopReason: "end_turn"))
    }

    @Test func reply_toolUseExample_givesTextAndCallWithInputAsJSONText() throws {
        let reply = try AnthropicWire.reply(fixture("anthropic-messages-response-tool-use.json"))
        #expect(reply.text == "I'll check the current weather in San Francisco for you.")
        #expect(reply.stopReason == "tool_use")
        #expect(reply.inputTokens == 472 && reply.outputTokens == 89)
        let call = try #require(reply.toolCalls.first)
        #expect(reply.toolCalls.count == 1)
        #expect(call.id == "toolu_01A09q90qw90lq917835lq9")
        #expect(call.name == "get_weather")
        #expect(try json(call.arguments) == ["location": "San Francisco, CA", "unit": "celsius"])
    }

    @Test func reply_toolUseOnlyWithThinkingBlock_hasNoText() throws {
        let body = #"""
            {"content": [{"type": "thinking", "thinking": "hmm", "signature": "x"},
                         {"type": "tool_use", "id": "t", "name": "now", "input": {}}], "stop_reason": "tool_use"}
            """#
        let reply = try AnthropicWire.reply(Data(body.utf8))
        #expect(reply.text == nil)
        #expect(reply.toolCalls == [ToolCallRequest(id: "t", name: "now", arguments: "{}")])
    }

    @Test(arguments: [
        ("Internal Server Error", "not JSON"),
        ("{\"type\": \"message\"}", "no content"),
        ("{\"content\": \"hello\"}", "no content"),
        ("{\"content\": [{\"type\": \"text\", \"text\": 5}]}", "content[0].text is not a string"),
        ("{\"content\": [{\"type\": \"tool_use\", \"input\": {}}]}", "no id or name"),
        ("{\"content\": [\"text\"]}", "content[0] is not an object"),
    ])
    func reply_whenMalformed_throwsMalformedQuotingBody(body: String, problem: String) {
        #expect {
            _ = try AnthropicWire.reply(Data(body.utf8))
        } throws: { error in
            guard let error = error as? ModelError else { return false }
            return error.kind == .malformed && error.message.contains(problem) && error.message.contains(String(body.prefix(15)))
        }
    }
}
