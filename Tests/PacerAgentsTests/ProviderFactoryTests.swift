import AsyncHTTPClient
import Foundation
import PacerCore
import PacerTesting
import Testing
@testable import PacerAgents

@Suite struct ProviderFactoryTests {
    @Test func make_whenKeyVariableMissingOrEmpty_throwsMissingKeyNamingIt() async throws {
        try await withServerAndClient { server, client in
            for environment in [[:], ["OPENAI_API_KEY": ""], ["OTHER": "x"]] {
                let error = #expect(throws: ModelError.self) {
                    try ModelProviders.make(for: agent(.openai, baseURL: server.openAIBaseURL, apiKeyEnv: "OPENAI_API_KEY"),
                                            environment: environment, client: client)
                }
                #expect(error?.kind == .missingKey)
                #expect(error?.message == "environment variable OPENAI_API_KEY (api_key_env of agent tester) is not set")
            }
        }
    }

    @Test(arguments: [Agent.Provider.openai, .anthropic])
    func make_withKeyInEnvironment_sendsIt(provider: Agent.Provider) async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.text("hi"))
            let base = provider == .openai ? server.openAIBaseURL : server.anthropicBaseURL
            let made = try ModelProviders.make(for: agent(provider, baseURL: base, apiKeyEnv: "MODEL_KEY"),
                                               environment: ["MODEL_KEY": "secret-42"], client: client)
            #expect(try await made.complete(simpleRequest()).text == "hi")
            let call = try #require(await server.calls.first)
            if provider == .openai {
                #expect(made is OpenAIProvider)
                #expect(call.headers["authorization"] == "Bearer secret-42")
            } else {
                #expect(made is AnthropicProvider)
                #expect(call.headers["x-api-key"] == "secret-42")
            }
        }
    }

    @Test func make_unauthorizedMessage_namesTheVariableButNotTheKey() async throws {
        try await withServerAndClient { server, client in
            await server.enqueue(.status(401, body: #"{"error": {"message": "invalid x-api-key"}}"#))
            let made = try ModelProviders.make(for: agent(.anthropic, baseURL: server.anthropicBaseURL, apiKeyEnv: "ANTHROPIC_API_KEY"),
                                               environment: ["ANTHROPIC_API_KEY": "sk-ant-secret"], client: client)
            let error = await modelError { try await made.complete(simpleRequest()) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.message.contains("ANTHROPIC_API_KEY") == true)
            #expect(error?.message.contains("sk-ant-secret") == false)
        }
    }

    @Test func make_anthropicWithoutKeyVariable_isAllowed() async throws {
        try await withServerAndClient { server, client in
            let made = try ModelProviders.make(for: agent(.anthropic, baseURL: server.anthropicBaseURL, apiKeyEnv: nil),
                                               environment: [:], client: client)
            #expect(made is AnthropicProvider)
        }
    }
}
