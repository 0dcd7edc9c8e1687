import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PacerCore

/// One model endpoint over HTTP, shared by the providers: sends a JSON body with its headers,
/// retries what ``ProviderFailure`` calls retryable with the backoff of ``ProviderOptions``,
/// and parses a 2xx body with the wire format's parser.
struct ModelEndpoint: Sendable {
    /// Most bytes of a response body read.
    static let maxBodyBytes = 32 * 1024 * 1024

    /// The URL every call posts to.
    var url: String
    /// Headers beyond `content-type` and `user-agent` (the key among them).
    var headers: [(String, String)]
    /// The key, only to scrub it from messages.
    var apiKey: String?
    /// What messages name.
    var context: ProviderFailure.Context
    var client: HTTPClient
    var options: ProviderOptions

    /// - Parameters:
    ///   - provider: `OpenAI` or `Anthropic`.
    ///   - url: the endpoint.
    ///   - headers: extra headers.
    ///   - apiKey: the key sent, if any.
    ///   - apiKeyEnv: where it came from.
    ///   - client: the HTTP client.
    ///   - options: timeout and retries.
    init(provider: String, url: String, headers: [(String, String)], apiKey: String?, apiKeyEnv: String?,
         client: HTTPClient, options: ProviderOptions) {
        self.url = url
        self.headers = headers
        self.apiKey = apiKey
        self.context = ProviderFailure.Context(provider: provider, url: url, model: "", apiKeyEnv: apiKeyEnv,
                                               keySent: apiKey != nil, timeout: options.requestTimeout)
        self.client = client
        self.options = options
    }

    /// Posts `body` until it is answered with 2xx, a permanent failure, or the retries run out.
    /// - Parameters:
    ///   - body: the request body.
    ///   - model: the model, for messages.
    ///   - parse: the wire format's reply parser.
    /// - Throws: ``ModelError``, or `CancellationError` when the task is cancelled.
    func call(_ body: JSONValue, model: String, parse: (Data) throws(ModelError) -> ModelReply) async throws -> ModelReply {
        let bytes = Array(WireJSON.text(body).utf8)
        var context = self.context
        context.model = model
        var retries = 0
        while true {
            try Task.checkCancellation()
            let failure: ProviderFailure
            switch try await attempt(bytes, context: context) {
            case .answered(let data):
                do {
                    return try parse(data)
                } catch {
                    throw scrubbed(error)
                }
            case .failed(let f):
                failure = f
            }
            guard failure.isRetryable, retries < options.maxRetries else {
                var error = failure.error
                if retries > 0 { error.message += " (gave up after \(retries + 1) attempts)" }
                throw scrubbed(error)
            }
            retries += 1
            let delay = options.delay(beforeRetry: retries, retryAfter: failure.error.retryAfter)
            options.logger.debug("model call failed; retrying", metadata: [
                "provider": "\(context.provider)", "kind": "\(failure.error.kind.rawValue)",
                "status": "\(failure.error.status.map(String.init) ?? "-")", "retry": "\(retries)", "delay": "\(delay)",
            ])
            try await options.sleep(delay)
        }
    }

    /// What one attempt came to.
    enum Attempt {
        case answered(Data)
        case failed(ProviderFailure)
    }

    /// One HTTP exchange.
    /// - Throws: only `CancellationError`.
    private func attempt(_ bytes: [UInt8], context: ProviderFailure.Context) async throws -> Attempt {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Pacer")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(bytes)
        do {
            let timeout = Int64(max(0.001, min(options.requestTimeout, 1e9)) * 1_000_000_000)
            let response = try await client.execute(request, timeout: .nanoseconds(timeout))
            var body = Data()
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView.prefix(Self.maxBodyBytes - body.count))
                if body.count >= Self.maxBodyBytes { break }
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .answered(body) }
            return .failed(ProviderFailure.classify(status: status, retryAfter: response.headers.first(name: "retry-after"),
                                                    body: body, context: context))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            return .failed(ProviderFailure.classify(transport: error, context: context))
        }
    }

    /// The error with the key, should a provider echo it, replaced by `[redacted]`.
    private func scrubbed(_ error: ModelError) -> ModelError {
        guard let apiKey, !apiKey.isEmpty, error.message.contains(apiKey) else { return error }
        var error = error
        error.message = error.message.replacingOccurrences(of: apiKey, with: "[redacted]")
        return error
    }
}
