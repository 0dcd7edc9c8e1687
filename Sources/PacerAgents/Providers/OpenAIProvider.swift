import AsyncHTTPClient
import Foundation
import PacerCore

/// A model behind an OpenAI-compatible Chat Completions endpoint: OpenAI itself, or a local
/// server (Ollama, vLLM, llama.cpp) at a base URL such as `http://127.0.0.1:11434/v1`.
///
/// Calls `POST <baseURL>/chat/completions` with `Authorization: Bearer <key>` when a key is
/// set. Rate limits (429), server errors (5xx) and network trouble are retried as
/// ``ProviderOptions`` says; other failures throw at once (see ``ModelError``). The key never
/// appears in an error message or a log.
public final class OpenAIProvider: ModelProvider, CustomStringConvertible {
    /// The base URL, as configured.
    public let baseURL: String
    /// The endpoint every call posts to.
    public let url: String
    private let endpoint: ModelEndpoint

    /// - Parameters:
    ///   - baseURL: the API base, e.g. `https://api.openai.com/v1` (a trailing `/` is ignored).
    ///   - apiKey: the key, or `nil` for a keyless local server.
    ///   - apiKeyEnv: the environment variable the key came from, named in a 401's message.
    ///   - client: the HTTP client (the caller shuts it down). A client whose connection pool
    ///     does not retry connection establishment reports a refused connection at once.
    ///   - options: timeout and retries.
    public init(baseURL: String, apiKey: String?, apiKeyEnv: String? = nil, client: HTTPClient,
                options: ProviderOptions = ProviderOptions()) {
        self.baseURL = baseURL
        self.url = Self.trimmed(baseURL) + "/chat/completions"
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey)")) }
        self.endpoint = ModelEndpoint(provider: "OpenAI", url: url, headers: headers, apiKey: apiKey, apiKeyEnv: apiKeyEnv,
                                      client: client, options: options)
    }

    /// One Chat Completions call.
    /// - Parameter request: the transcript and tools.
    /// - Returns: the reply with its token usage.
    /// - Throws: ``ModelError``, or `CancellationError`.
    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        try await endpoint.call(OpenAIWire.body(request), model: request.model, parse: OpenAIWire.reply)
    }

    public var description: String { "OpenAIProvider(\(url))" }

    /// The base URL without trailing slashes.
    static func trimmed(_ baseURL: String) -> String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return String(base)
    }
}
