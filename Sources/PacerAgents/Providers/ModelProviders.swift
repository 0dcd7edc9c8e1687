import AsyncHTTPClient
import Foundation
import PacerCore

/// Builds the model provider an agent names.
public enum ModelProviders {
    /// The provider of an agent's wire format, with the key read from the environment.
    ///
    /// The key is `environment[agent.apiKeyEnv]`; an agent without `api_key_env` calls its
    /// endpoint without a key (a local server, a proxy, a test).
    /// - Parameters:
    ///   - agent: the agent.
    ///   - environment: where the key is read (the server's environment).
    ///   - client: the HTTP client the provider uses (the caller shuts it down).
    ///   - options: timeout and retries.
    /// - Returns: an ``OpenAIProvider`` or an ``AnthropicProvider``.
    /// - Throws: ``ModelError`` `.missingKey` when the variable named is not set or empty.
    public static func make(for agent: Agent, environment: [String: String], client: HTTPClient,
                            options: ProviderOptions = ProviderOptions()) throws -> any ModelProvider {
        var apiKey: String?
        if let name = agent.apiKeyEnv {
            guard let value = environment[name], !value.isEmpty else {
                throw ModelError(.missingKey, "environment variable \(name) (api_key_env of agent \(agent.name)) is not set")
            }
            apiKey = value
        }
        switch agent.provider {
        case .openai:
            return OpenAIProvider(baseURL: agent.baseURL, apiKey: apiKey, apiKeyEnv: agent.apiKeyEnv, client: client,
                                  options: options)
        case .anthropic:
            return AnthropicProvider(baseURL: agent.baseURL, apiKey: apiKey, apiKeyEnv: agent.apiKeyEnv, client: client,
                                     options: options)
        }
    }
}
