import AsyncHTTPClient
import Foundation
import PacerCore
import PacerHTTP

/// One failed attempt of a model call, classified: the ``ModelError`` it becomes and whether
/// another attempt may succeed. Pure, so every mapping is testable without a server.
struct ProviderFailure: Sendable, Hashable {
    /// What the caller gets once retries run out (or at once, when not retryable).
    var error: ModelError
    /// Whether a retry may succeed (429, most 5xx, network trouble).
    var isRetryable: Bool

    /// What the messages name.
    struct Context: Sendable, Hashable {
        /// `OpenAI` or `Anthropic`, as the wire format.
        var provider: String
        /// The endpoint URL.
        var url: String
        /// The model asked for.
        var model: String
        /// The environment variable the key came from, when known.
        var apiKeyEnv: String?
        /// Whether a key was sent.
        var keySent: Bool
        /// The request timeout, in seconds.
        var timeout: Double
    }

    /// Statuses worth another attempt: rate limits and server trouble (529: Anthropic overloaded).
    static func isRetryable(status: Int) -> Bool {
        status == 429 || (status >= 500 && status != 501 && status != 505)
    }

    /// Classifies a non-2xx answer.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - retryAfter: the `Retry-After` header, honoured (as seconds) on 429 and 503.
    ///   - body: the start of the body.
    ///   - context: what the messages name.
    static func classify(status: Int, retryAfter: String?, body: Data, context: Context) -> ProviderFailure {
        let said = providerMessage(body) ?? WireJSON.excerpt(body)
        let provider = context.provider
        switch status {
        case 401, 403:
            let advice: String
            if !context.keySent {
                advice = "no API key was sent; set the agent's api_key_env to the environment variable holding the key"
            } else if let env = context.apiKeyEnv {
                advice = "check the API key in the environment variable \(env) (the agent's api_key_env)"
            } else {
                advice = "check the API key in the environment variable named by the agent's api_key_env"
            }
            return ProviderFailure(
                error: ModelError(.unauthorized, status: status, "\(provider) refused the API key (HTTP \(status): \(said)); \(advice)"),
                isRetryable: false)
        case 404:
            return ProviderFailure(
                error: ModelError(.notFound, status: status,
                                  "\(provider) answered HTTP 404 at \(context.url): the base URL or the model '\(context.model)' is wrong (\(said))"),
                isRetryable: false)
        case 429:
            return ProviderFailure(
                error: ModelError(.rateLimited, status: status, "\(provider) rate limit (HTTP 429): \(said)",
                                  retryAfter: retryAfter.flatMap(seconds)),
                isRetryable: true)
        case 500...:
            return ProviderFailure(
                error: ModelError(.server, status: status, "\(provider) server error (HTTP \(status)): \(said)",
                                  retryAfter: status == 503 ? retryAfter.flatMap(seconds) : nil),
                isRetryable: isRetryable(status: status))
        case 400..<500:
            return ProviderFailure(
                error: ModelError(.badRequest, status: status, "\(provider) refused the request (HTTP \(status)): \(said)"),
                isRetryable: false)
        default:
            return ProviderFailure(
                error: ModelError(.badRequest, status: status, "\(provider) answered HTTP \(status) at \(context.url): \(said)"),
                isRetryable: false)
        }
    }

    /// Classifies an error thrown by the HTTP client (not cancellation: the caller rethrows that).
    /// - Parameters:
    ///   - error: the error.
    ///   - context: what the messages name.
    static func classify(transport error: any Error, context: Context) -> ProviderFailure {
        let provider = context.provider
        func transport(_ what: String) -> ProviderFailure {
            ProviderFailure(error: ModelError(.transport, "\(provider) at \(context.url): \(what)"), isRetryable: true)
        }
        switch HTTPClientFailure(error) {
        case .unreachable(let why): return transport("could not reach the server: \(why)")
        case .deadlineExceeded: return transport("no answer within the request timeout of \(Int(context.timeout)) s")
        case .cancelled: return transport("the request was cancelled")
        case .closedEarly: return transport("the server closed the connection before answering")
        case .tooManyRedirects: return transport("too many redirects")
        case .other(let what): return transport("HTTP error: \(what)")
        case .invalidRequest(let what):
            return ProviderFailure(
                error: ModelError(.badRequest, "cannot send a request to \(provider) at \(context.url): \(what)"),
                isRetryable: false)
        }
    }

    /// `Retry-After` as seconds (the date form is not honoured), or `nil`.
    static func seconds(_ value: String) -> Double? {
        guard let n = Double(value.trimmingCharacters(in: .whitespaces)), n.isFinite, n >= 0 else { return nil }
        return n
    }

    /// The provider's own error message: `error.message` (OpenAI and Anthropic), or an `error`
    /// or `message` string (some compatible servers), at most ``WireJSON/excerptLength``
    /// characters.
    static func providerMessage(_ body: Data) -> String? {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: body) else { return nil }
        let found: String?
        if case .string(let s)? = json["error"]?["message"] {
            found = s
        } else if case .string(let s)? = json["error"] {
            found = s
        } else if case .string(let s)? = json["message"] {
            found = s
        } else {
            found = nil
        }
        guard let found, !found.isEmpty else { return nil }
        return found.count > WireJSON.excerptLength ? String(found.prefix(WireJSON.excerptLength)) + "…" : found
    }

}
