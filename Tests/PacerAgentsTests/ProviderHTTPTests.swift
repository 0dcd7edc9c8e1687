import AsyncHTTPClient
import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerAgents

/// Both providers against the scripted model server, over a real HTTP client.
@Suite struct ProviderHTTPTests {
    @Test func openAI_toolCallThenText_sendsBothTurnsAndParsesReplies() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(
                .toolCalls([ScriptedToolCall(name: "get_weather", arguments: ["location": "Paris"], id: "call_w1")],
                           inputTokens: 30, outputTokens: 8),
                .text("Light rain, take an umbrella.", inputTokens: 50, outputTokens: 9))
            let provider = OpenAIProvider(baseURL: server.openAIBaseURL + "/", apiKey: "sk-test-123", client: client,
                                          options: SleepRecorder().options())
            var request = ModelRequest(model: "gpt-4o-mini", system: "Be brief.",
                                       messages: [Message(role: .user, text: "Weather in Paris?")], tools: [weatherTool])

            let first = try await provider.complete(request)
            #expect(first.text == nil)
            #expect(first.stopReason == "tool_calls")
            #expect(first.inputTokens == 30 && first.outputTokens == 8)
            let call = try #require(first.toolCalls.first)
            #expect(call.id == "call_w1" && call.name == "get_weather")
            #expect(try json(call.arguments) == ["location": "Paris"])

            request.messages.append(Message(role: .assistant, text: nil, toolCalls: first.toolCalls))
            request.messages.append(Message(role: .tool, text: "14 C, light rain", toolCallID: call.id))
            let second = try await provider.complete(request)
            #expect(second == ModelReply(text: "Light rain, take an umbrella.", inputTokens: 50, outputTokens: 9, stopReason: "stop"))

            let calls = await server.calls
            #expect(calls.count == 2)
            #expect(calls.allSatisfy { $0.format == .openai && $0.path == "/v1/chat/completions" })
            #expect(calls[0].headers["authorization"] == "Bearer sk-test-123")
            #expect(calls[0].headers["content-type"] == "application/json")
            #expect(calls[0].headers["user-agent"] == "Pacer")
            #expect(calls[0].model == "gpt-4o-mini")
            #expect(calls[0].body == OpenAIWire.body(simpleWeather(request, turns: 1)))
            #expect(calls[1].body.value(at: "messages.3") == ["role": "tool", "tool_call_id": "call_w1", "content": "14 C, light rain"])
            #expect(calls[1].body.value(at: "messages.2.tool_calls.0.function.arguments") == .string(call.arguments))
            #expect(await server.pending == 0)
        }
    }

    @Test func anthropic_toolUseThenText_sendsBothTurnsAndParsesReplies() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(
                .toolCalls([ScriptedToolCall(name: "get_weather", arguments: ["location": "Oslo"])], text: "Checking."),
                .text("Snow in Oslo."))
            let provider = AnthropicProvider(baseURL: server.anthropicBaseURL, apiKey: "sk-ant-test", client: client,
                                             options: SleepRecorder().options())
            var request = ModelRequest(model: "claude-sonnet-4-20250514", system: "Be brief.",
                                       messages: [Message(role: .user, text: "Weather in Oslo?")], tools: [weatherTool])

            let first = try await provider.complete(request)
            #expect(first.text == "Checking.")
            #expect(first.stopReason == "tool_use")
            #expect(first.inputTokens == 10 && first.outputTokens == 5)
            let call = try #require(first.toolCalls.first)
            #expect(call.id.hasPrefix("toolu_") && call.name == "get_weather")
            #expect(try json(call.arguments) == ["location": "Oslo"])

            request.messages.append(Message(role: .assistant, text: first.text, toolCalls: first.toolCalls))
            request.messages.append(Message(role: .tool, text: "-2 C, snow", toolCallID: call.id))
            let second = try await provider.complete(request)
            #expect(second.text == "Snow in Oslo.")
            #expect(second.stopReason == "end_turn")

            let calls = await server.calls
            #expect(calls.count == 2)
            #expect(calls.allSatisfy { $0.format == .anthropic && $0.path == "/v1/messages" })
            #expect(calls[0].headers["x-api-key"] == "sk-ant-test")
            #expect(calls[0].headers["anthropic-version"] == "2023-06-01")
            #expect(calls[0].headers["authorization"] == nil)
            #expect(calls[0].model == "claude-sonnet-4-20250514")
            #expect(calls[0].body["system"] == "Be brief.")
            #expect(calls[0].body.value(at: "tools.0.input_schema") == weatherTool.inputSchema)
            #expect(calls[1].body.value(at: "messages.1.content.1") ==
                ["type": "tool_use", "id": .string(call.id), "name": "get_weather", "input": ["location": "Oslo"]])
            #expect(calls[1].body.value(at: "messages.2") ==
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string(call.id), "content": "-2 C, snow"]]])
        }
    }

    @Test func anthropic_baseURLEndingInV1_postsToV1Messages() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.text("ok"))
            let provider = AnthropicProvider(baseURL: server.anthropicBaseURL + "/v1/", apiKey: nil, client: client)
            #expect(provider.url == server.anthropicBaseURL + "/v1/messages")
            #expect(try await provider.complete(simpleRequest()).text == "ok")
            let call = try #require(await server.calls.first)
            #expect(call.path == "/v1/messages")
            #expect(call.headers["x-api-key"] == nil)
        }
    }

    @Test func openAI_withoutKey_sendsNoAuthorization() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.text("hello"))
            let provider = OpenAIProvider(baseURL: server.openAIBaseURL, apiKey: nil, client: client)
            let reply = try await provider.complete(simpleRequest())
            #expect(reply.text == "hello")
            #expect(await server.calls.first?.headers["authorization"] == nil)
        }
    }

    /// The first request of the OpenAI conversation, for comparing the body sent.
    private func simpleWeather(_ request: ModelRequest, turns: Int) -> ModelRequest {
        var first = request
        first.messages = Array(request.messages.prefix(turns))
        return first
    }
}
