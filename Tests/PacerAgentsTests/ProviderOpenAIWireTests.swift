import Foundation
import PacerCore
import Testing
@testable import PacerAgents

@Suite struct ProviderOpenAIWireTests {
    @Test func body_weatherTranscript_equalsRecordedRequest() throws {
        let body = OpenAIWire.body(weatherRequest(model: "gpt-4o-mini", callID: "call_Xk2Pu8tWbYq3LmN9"))
        #expect(body == (try fixtureJSON("openai-chat-request.json")))
    }

    @Test func body_withoutToolsOrSystem_omitsThemAndSendsNullContentForToolOnlyTurn() throws {
        let request = ModelRequest(model: "llama3.2", system: nil, messages: [
            Message(role: .user, text: "What time is it?"),
            Message(role: .assistant, text: nil, toolCalls: [ToolCallRequest(id: "c1", name: "now", arguments: "{}")]),
            Message(role: .tool, text: "09:00", toolCallID: "c1"),
            Message(role: .assistant, text: "It is nine."),
        ], tools: [], maxTokens: 64)
        let expected = try json("""
            {"model": "llama3.2", "max_tokens": 64, "messages": [
              {"role": "user", "content": "What time is it?"},
              {"role": "assistant", "content": null,
               "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "now", "arguments": "{}"}}]},
              {"role": "tool", "tool_call_id": "c1", "content": "09:00"},
              {"role": "assistant", "content": "It is nine."}
            ]}
            """)
        #expect(OpenAIWire.body(request) == expected)
    }

    @Test func reply_textExample_givesTextStopReasonAndUsage() throws {
        let reply = try OpenAIWire.reply(fixture("openai-chat-response-text.json"))
        #expect(reply == ModelReply(text: "Yes, take an umbrella: there is light rain in Paris at 14 °C.", toolCalls: [],
                                    inputTokens: 1117, outputTokens: 46, stopReason: "stop"))
    }

    @Test func reply_toolCallExample_givesCallsInOrderWithArgumentText() throws {
        let reply = try OpenAIWire.reply(fixture("openai-chat-response-tool-calls.json"))
        #expect(reply == ModelReply(text: nil, toolCalls: [
            ToolCallRequest(id: "call_abc123", name: "get_weather", arguments: "{\n\"location\": \"Boston, MA\"\n}"),
            ToolCallRequest(id: "call_def456", name: "get_weather", arguments: #"{"location": "Paris, France", "unit": "celsius"}"#),
        ], inputTokens: 82, outputTokens: 17, stopReason: "tool_calls"))
    }

    @Test func reply_argumentsSentAsObject_areReencodedAsJSONText() throws {
        let body = #"""
            {"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": "",
              "tool_calls": [{"id": "call_7", "type": "function",
                              "function": {"name": "search", "arguments": {"query": "pacer", "limit": 3}}}]}}]}
            """#
        let reply = try OpenAIWire.reply(Data(body.utf8))
        let call = try #require(reply.toolCalls.first)
        #expect(call.id == "call_7")
        #expect(call.name == "search")
        #expect(try json(call.arguments) == ["query": "pacer", "limit": 3])
        #expect(reply.inputTokens == 0 && reply.outputTokens == 0)
    }

    @Test func reply_contentAsTextParts_isJoined() throws {
        let body = #"{"choices": [{"message": {"content": [{"type": "text", "text": "Hel"}, {"type": "text", "text": "lo"}]}}]}"#
        #expect(try OpenAIWire.reply(Data(body.utf8)).text == "Hello")
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        ("{\"id\": \"chatcmpl-1\"}", "no choices"),
        ("{\"choices\": []}", "choices are empty"),
        ("[1, 2]", "not a JSON object"),
        ("{\"choices\": [{\"message\": {\"content\": 42}}]}", "content is not a string"),
        ("{\"choices\": [{\"message\": {\"content\": \"x\", \"tool_calls\": {}}}]}", "tool_calls is not an array"),
        ("{\"choices\": [{\"message\": {\"tool_calls\": [{\"id\": \"c\", \"function\": {\"arguments\": \"{}\"}}]}}]}",
         "function.name is missing"),
        ("{\"choices\": [{\"text\": \"legacy completion\"}]}", "message is missing"),
    ])
    func reply_whenMalformed_throwsMalformedQuotingBody(body: String, problem: String) {
        #expect {
            _ = try OpenAIWire.reply(Data(body.utf8))
        } throws: { error in
            guard let error = error as? ModelError else { return false }
            return error.kind == .malformed && error.message.contains(problem) && error.message.contains(String(body.prefix(20)))
        }
    }

    @Test func reply_whenLongBodyIsMalformed_quotesOnlyItsStart() {
        let body = "<html>" + String(repeating: "x", count: 5000) + "</html>"
        let error = #expect(throws: ModelError.self) { try OpenAIWire.reply(Data(body.utf8)) }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("<html>xxx") == true)
        #expect((error?.message.count ?? .max) < 300)
    }
}
