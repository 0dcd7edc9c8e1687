import AsyncHTTPClient
import Foundation
import PacerCore

/// A model behind the Anthropic Messages API.
///
/// Calls `POST <baseURL>/v1/messages` (or `<baseURL>/messages` when the base already ends in
/// `/v1`) with `x-api-key` when a key is set and `anthropic-version: 2023-06-01`. Rate limits
/// (429), server errors (5xx, 529 overloaded) and network trouble are retried as
/// ``ProviderOptions`` says; other failures throw at once (see ``ModelError``). The key never
/// appears in an error message or a log.
public final class AnthropicProvider: ModelProvider, CustomStringConvertible {
    /// The base URL, as configured.
    public let baseURL: String
    /// The endpoint every call posts to.
    public let url: String
    private let endpoint: ModelEndpoint

    /// - Parameters:
    ///   - baseURL: the API base, e.g. `https://api.anthropic.com` (a trailing `/` is ignored).
    ///   - apiKey: the key, or `nil` (a proxy that adds it, a test server).
    ///   - apiKeyEnv: the environment variable the key came from, named in a 401's message.
    ///   - client: the HTTP client (the caller shuts it down).
    ///   - options: timeout and retries.
    public init(baseURL: String, apiKey: String?, apiKeyEnv: String? = nil, client: HTTPClient,
                options: ProviderOptions = ProviderOptions()) {
        self.baseURL = baseURL
        let base = OpenAIProvider.trimmed(baseURL)
        self.url = base + (base.hasSuffix("/v1") ? "/messages" : "/v1/messages")
        var headers: [(String, String)] = [("anthropic-version", AnthropicWire.version)]
        if let apiKey { headers.append(("x-api-key", apiKey)) }
        self.endpoint = ModelEndpoint(provider: "Anthropic", url: url, headers: headers, apiKey: apiKey,
                                      apiKeyEnv: apiKeyEnv, client: client, options: options)
    }

    /// One Messages call.
    /// - Parameter request: the transcript and tools.
    /// - Returns: the reply with its token usage.
    /// - Throws: ``ModelError``, or `CancellationError`.
    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        try await endpoint.call(AnthropicWire.body(request), model: request.model, parse: AnthropicWire.reply)
    }

    public var description: String { "AnthropicProvider(\(url))" }
}
