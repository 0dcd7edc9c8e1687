import AsyncHTTPClient
import Foundation
import Logging
import PacerCore

/// Runs `http` targets: the method, URL and headers of the target, secret headers read from
/// the environment at run time, and the body rendered as a Mustache template with the run's
/// ``RunRequest/templateContext``. Success is a 2xx status; the output is the start of the
/// response body.
///
/// Every request carries `Idempotency-Key`, the same for every attempt of one fire
/// (``PacerCore/Run/idempotencyKey``: schedule, scheduled instant and item), so a receiver can
/// drop a retry of a request it already handled, and `User-Agent: Pacer` (unless the target sets its own). A body
/// without a `Content-Type` header is sent as `application/json` when it parses as JSON, as
/// `text/plain; charset=utf-8` otherwise.
///
/// Failures are classified with ``RunOutcome/classify(httpStatus:)``; a `Retry-After` answer
/// (seconds or HTTP-date) becomes ``RunOutcome/retryAfter``. Cancelling the run's task
/// abandons the request at once.
///
/// One runner holds one `HTTPClient` for all its runs; call ``shutdown()`` when the server
/// stops.
public final class HTTPRunner: Runner {
    /// Options.
    public struct Configuration: Sendable {
        /// Where secret header values come from.
        public var environment: RunnerEnvironment
        /// A safety net on one request; the engine's per-run timeout normally ends a run first.
        public var requestTimeout: Duration
        /// Most bytes of the response body read (the run records a shorter excerpt).
        public var maxResponseBytes: Int
        /// The current instant, for `Retry-After` dates.
        public var clock: any WallClock
        /// Where to log request outcomes (never header values or URLs).
        public var logger: Logger

        /// - Parameters:
        ///   - environment: where secret header values come from.
        ///   - requestTimeout: the longest one request may take.
        ///   - maxResponseBytes: most body bytes read.
        ///   - clock: the clock (`Retry-After` dates).
        ///   - logger: the logger.
        public init(environment: RunnerEnvironment = .process, requestTimeout: Duration = .seconds(24 * 3600),
                    maxResponseBytes: Int = 64 * 1024, clock: any WallClock = SystemClock(),
                    logger: Logger = Logger(label: "pacer.runners.http")) {
            self.environment = environment
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
            self.clock = clock
            self.logger = logger
        }
    }

    /// The client every request goes through.
    public let client: HTTPClient
    /// The options.
    public let configuration: Configuration
    private let ownsClient: Bool

    /// - Parameters:
    ///   - configuration: options.
    ///   - client: a client to share (the caller shuts it down); when `nil` the runner makes
    ///     its own and ``shutdown()`` shuts it down.
    public init(configuration: Configuration = Configuration(), client: HTTPClient? = nil) {
        self.configuration = configuration
        self.client = client ?? HTTPClient.makePacerClient()
        self.ownsClient = client == nil
    }

    /// Shuts down the client if the runner made it; call once, after the last run.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// Sends an `http` target's request once.
    /// - Parameter request: the run; its schedule's target must be HTTP.
    public func run(_ request: RunRequest) async -> RunOutcome {
        guard case .http(let target) = request.schedule.target else {
            return .failed("the HTTP runner cannot run a \(request.schedule.target.kind.rawValue) target", failure: .permanent)
        }
        let exchange: HTTPExchange
        do {
            exchange = try Self.exchange(for: target, request: request, environment: configuration.environment)
        } catch {
            return .failed(error.message, failure: .permanent)
        }
        var logger = configuration.logger
        logger[metadataKey: "run"] = "\(request.run.id)"

        // Values of secret headers never reach the stored output, the error or the logs, even
        // when the far end echoes them back.
        let secrets = (try? configuration.environment.secretHeaders(target.headersFromEnv, sentTo: exchange.url))?.map(\.1) ?? []
        let answer: HTTPExchange.Answer
        do {
            answer = try await exchange.send(with: client, timeout: configuration.requestTimeout,
                                             maxBodyBytes: configuration.maxResponseBytes)
        } catch {
            if Task.isCancelled { return .failed("cancelled", failure: .transient) }
            let failure = HTTPFailure(error)
            let message = Redaction.scrub(failure.message, secrets)
            logger.debug("http run failed", metadata: ["error": "\(message)"])
            return .failed(message, failure: failure.isPermanent ? .permanent : .transient)
        }
        logger.debug("http run answered", metadata: ["status": "\(answer.status)"])
        let output = Redaction.scrub(answer.text, secrets)
        guard let failure = RunOutcome.classify(httpStatus: answer.status) else {
            return .succeeded(output: output)
        }
        let retryAfter = answer.header("Retry-After").flatMap { RetryAfter.seconds(from: $0, now: configuration.clock.now()) }
        return .failed(Redaction.scrub(answer.statusLine, secrets), output: output, failure: failure, retryAfter: retryAfter)
    }

    /// The request a target makes for a run.
    /// - Throws: ``RunnerError`` for a missing environment variable or a body template that
    ///   does not compile.
    static func exchange(for target: HTTPTarget, request: RunRequest,
                         environment: RunnerEnvironment) throws(RunnerError) -> HTTPExchange {
        var url = target.url
        if url.contains("{{") {
            // A URL template (its host is fixed before the first tag, see the validation).
            do {
                url = try Template(url).renderURL(request.templateContext)
            } catch {
                throw RunnerError(.invalidRequest, "url template: \(error.message)")
            }
            if let problem = URLPath.dotSegmentProblem(url) {
                throw RunnerError(.invalidRequest, "url template: the rendered URL \(problem)")
            }
        }
        var exchange = HTTPExchange(method: target.method, url: url)
        for (name, value) in target.headers.sorted(by: { $0.key < $1.key }) { exchange.set(name, value) }
        for (name, value) in try environment.secretHeaders(target.headersFromEnv, sentTo: url) { exchange.setSecret(name, value) }
        exchange.set("Idempotency-Key", request.run.idempotencyKey)
        if let source = target.body {
            let template: Template
            do {
                template = try Template(source)
            } catch {
                throw RunnerError(.invalidRequest, "body template: \(error.message)")
            }
            let body = template.render(request.templateContext)
            if !exchange.has("Content-Type") {
                let isJSON = (try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])) != nil
                exchange.set("Content-Type", isJSON ? "application/json" : "text/plain; charset=utf-8")
            }
            exchange.body = Array(body.utf8)
        }
        return exchange
    }
}
