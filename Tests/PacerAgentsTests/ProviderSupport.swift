import AsyncHTTPClient
import Foundation
import NIOCore
import PacerCore
import PacerTesting
import Synchronization
import Testing
@testable import PacerAgents

/// A fixture file's bytes.
/// - Parameter name: the file name in `Fixtures/`.
func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

/// A fixture file parsed as JSON.
/// - Parameter name: the file name in `Fixtures/`.
func fixtureJSON(_ name: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: fixture(name))
}

/// A JSON text parsed.
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// The weather tool of the recorded request examples.
let weatherTool = ToolSpec(
    name: "get_weather", description: "Get the current weather in a given location",
    inputSchema: [
        "type": "object",
        "properties": [
            "location": ["type": "string", "description": "The city and country, e.g. Paris, France"],
            "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]],
        ],
        "required": ["location"],
        "additionalProperties": false,
    ])

/// The transcript of the recorded request examples: a system prompt, a question, a tool call
/// with its result, and a follow-up question.
/// - Parameters:
///   - model: the model.
///   - callID: the tool call's id.
func weatherRequest(model: String, callID: String) -> ModelRequest {
    ModelRequest(
        model: model, system: "You are a concise weather assistant. Use the tools to look up live conditions.",
        messages: [
            Message(role: .user, text: "What's the weather like in Paris today?"),
            Message(role: .assistant, text: "Let me look that up.", toolCalls: [
                ToolCallRequest(id: callID, name: "get_weather", arguments: #"{"location":"Paris, France","unit":"celsius"}"#),
            ]),
            Message(role: .tool, text: #"{"temperature":14,"conditions":"light rain","wind_kph":18}"#, toolCallID: callID),
            Message(role: .user, text: "Should I take an umbrella?"),
        ],
        tools: [weatherTool], maxTokens: 1024)
}

/// A one-question request.
func simpleRequest(model: String = "test-model", tools: [ToolSpec] = []) -> ModelRequest {
    ModelRequest(model: model, system: "Be brief.", messages: [Message(role: .user, text: "Hi")], tools: tools)
}

/// Records the waits a provider asks for and returns at once.
final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Double]>([])

    /// Every wait asked for, in order.
    var delays: [Double] { recorded.withLock { $0 } }

    /// Provider options that sleep through this recorder.
    func options(maxRetries: Int = 3, backoffBase: Double = 1, requestTimeout: TimeInterval = 30) -> ProviderOptions {
        ProviderOptions(requestTimeout: requestTimeout, maxRetries: maxRetries, backoffBase: backoffBase,
                        sleep: { seconds in self.recorded.withLock { $0.append(seconds) } })
    }
}

/// Runs `body` with a started scripted model server and a real HTTP client configured like
/// Pacer's (a refused connection fails at once), shutting both down afterwards.
func withServerAndClient<T: Sendable>(_ body: (ScriptedModelServer, HTTPClient) async throws -> T) async throws -> T {
    var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10)))
    configuration.connectionPool.retryConnectionEstablishment = false
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let value = try await withScriptedModelServer { server in try await body(server, client) }
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// The error a call throws, when it is a ``ModelError``.
func modelError(_ call: () async throws -> ModelReply) async -> ModelError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error as? ModelError
    }
}

/// An agent for ``ModelProviders``.
func agent(_ provider: Agent.Provider, baseURL: String, apiKeyEnv: String?) -> Agent {
    Agent(id: "agt_test", name: "tester", provider: provider, baseURL: baseURL, model: "test-model", apiKeyEnv: apiKeyEnv,
          createdAt: Date(timeIntervalSince1970: 1_772_960_400))
}
