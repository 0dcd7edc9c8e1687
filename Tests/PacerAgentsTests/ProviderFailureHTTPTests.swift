import AsyncHTTPClient
import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerAgents

/// Retries and failures of both providers against the scripted model server.
@Suite struct ProviderFailureHTTPTests {
    /// A provider of either format on the server.
    private func provider(_ format: ModelCall.Format, _ server: ScriptedModelServer, _ client: HTTPClient,
                          key: String? = "sk-test-123", options: ProviderOptions) -> any ModelProvider {
        switch format {
        case .openai: OpenAIProvider(baseURL: server.openAIBaseURL, apiKey: key, client: client, options: options)
        case .anthropic: AnthropicProvider(baseURL: server.anthropicBaseURL, apiKey: key, client: client, options: options)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func rateLimited_withRetryAfter_waitsThatLongAndRetriesOnce(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(429, body: #"{"error": {"message": "slow down"}}"#, headers: ["Retry-After": "7"]),
                                 .text("made it"))
            let sleeps = SleepRecorder()
            let reply = try await provider(format, server, client, options: sleeps.options()).complete(simpleRequest())
            #expect(reply.text == "made it")
            #expect(sleeps.delays == [7])
            #expect(await server.calls.count == 2)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func serverError_everyAttempt_throwsServerAfterMaxRetriesPlusOneCalls(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(Array(repeating: .status(503, body: "upstream busy"), count: 4) + [.text("never used")])
            let sleeps = SleepRecorder()
            let error = await modelError {
                try await provider(format, server, client, options: sleeps.options(maxRetries: 3)).complete(simpleRequest())
            }
            #expect(error?.kind == .server)
            #expect(error?.status == 503)
            #expect(error?.message.contains("upstream busy") == true)
            #expect(error?.message.contains("4 attempts") == true)
            #expect(await server.calls.count == 4)
            #expect(await server.pending == 1)
            #expect(sleeps.delays == [1, 2, 4])
        }
    }

    @Test func overloaded529_thenSuccess_isRetried() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(529, body: #"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#),
                                 .text("ok"))
            let sleeps = SleepRecorder()
            let reply = try await provider(.anthropic, server, client, options: sleeps.options(backoffBase: 2)).complete(simpleRequest())
            #expect(reply.text == "ok")
            #expect(sleeps.delays == [2])
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func unauthorized_throwsAtOnceWithoutTheKey(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            let echo = #"{"error": {"message": "Incorrect API key provided: sk-test-123. Find your key in the dashboard."}}"#
            await server.enqueue(.status(401, body: echo), .text("never used"))
            let sleeps = SleepRecorder()
            let error = await modelError {
                try await provider(format, server, client, options: sleeps.options()).complete(simpleRequest())
            }
            #expect(error?.kind == .unauthorized)
            #expect(error?.status == 401)
            #expect(error?.message.contains("sk-test-123") == false)
            #expect(error?.message.contains("API key") == true)
            #expect(await server.calls.count == 1)
            #expect(sleeps.delays.isEmpty)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func notFound_namesURLAndModel(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(404, body: #"{"error": {"message": "model 'no-such-model' not found"}}"#))
            let error = await modelError {
                try await provider(format, server, client, options: SleepRecorder().options())
                    .complete(simpleRequest(model: "no-such-model"))
            }
            #expect(error?.kind == .notFound)
            #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
            #expect(error?.message.contains("no-such-model") == true)
            #expect(await server.calls.count == 1)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func badRequest_quotesTheProvidersMessage(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(400, body: #"{"type": "error", "error": {"type": "invalid_request_error", "message": "messages: roles must alternate"}}"#))
            let error = await modelError {
                try await provider(format, server, client, options: SleepRecorder().options()).complete(simpleRequest())
            }
            #expect(error?.kind == .badRequest)
            #expect(error?.message.hasSuffix("(HTTP 400): messages: roles must alternate") == true)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func rawNotJSON_throwsMalformed(format: ModelCall.Format) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.raw("not json"))
            let error = await modelError {
                try await provider(format, server, client, options: SleepRecorder().options()).complete(simpleRequest())
            }
            #expect(error?.kind == .malformed)
            #expect(error?.message.contains("not json") == true)
            #expect(await server.calls.count == 1)
        }
    }

    @Test func emptyQueue_answers418AndIsNotRetried() async throws {
        try await withServerAndClient { server, client in
            let sleeps = SleepRecorder()
            let error = await modelError {
                try await provider(.openai, server, client, options: sleeps.options()).complete(simpleRequest())
            }
            #expect(error?.kind == .badRequest)
            #expect(error?.status == 418)
            #expect(error?.message.contains("no reply queued") == true)
            #expect(await server.calls.count == 1)
            #expect(sleeps.delays.isEmpty)
        }
    }

    @Test(arguments: [ModelCall.Format.openai, .anthropic])
    func connectionRefused_throwsTransportAfterRetries(format: ModelCall.Format) async throws {
        try await withServerAndClient { _, client in
            // Closed after the client's own server took its port, so that one cannot reuse it.
            let closed = try await ScriptedModelServer.start()
            await closed.stop()
            let sleeps = SleepRecorder()
            let provider: any ModelProvider = switch format {
            case .openai: OpenAIProvider(baseURL: closed.openAIBaseURL, apiKey: "k", client: client, options: sleeps.options(maxRetries: 2))
            case .anthropic: AnthropicProvider(baseURL: closed.anthropicBaseURL, apiKey: "k", client: client, options: sleeps.options(maxRetries: 2))
            }
            let error = await modelError { try await provider.complete(simpleRequest()) }
            #expect(error?.kind == .transport)
            #expect(error?.status == nil)
            #expect(error?.message.contains("connection refused") == true)
            #expect(error?.message.contains("3 attempts") == true)
            #expect(sleeps.delays == [1, 2])
        }
    }

    @Test func cancellation_whileWaitingForAnswer_throwsCancellationWithoutRetry() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.delayed(30, .text("too late")), .text("not used"))
            let sleeps = SleepRecorder()
            let provider = OpenAIProvider(baseURL: server.openAIBaseURL, apiKey: "k", client: client, options: sleeps.options())
            let task = Task { try await provider.complete(simpleRequest()) }
            try await server.waitForCalls(1)
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(sleeps.delays.isEmpty)
            #expect(await server.calls.count == 1)
        }
    }

    @Test func cancellation_duringBackoff_stopsRetrying() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(503), .text("not used"))
            let options = ProviderOptions(maxRetries: 3, sleep: { _ in throw CancellationError() })
            let provider = OpenAIProvider(baseURL: server.openAIBaseURL, apiKey: "k", client: client, options: options)
            await #expect(throws: CancellationError.self) { try await provider.complete(simpleRequest()) }
            #expect(await server.calls.count == 1)
        }
    }
}
