import AsyncHTTPClient
import Foundation
import PacerCore

/// Delivers finished runs everywhere ``Delivery`` names: `stdout` (one JSON line), `log` (one
/// JSON line appended to a file inside the server's log directory, created with mode 0600),
/// `webhook` (the report POSTed as
/// JSON), `slack` (an incoming-webhook message) and `telegram` (a Bot API `sendMessage`).
/// `email` is not supported yet and says so. Any failure throws a ``RunnerError`` whose message
/// the engine records on the run; secrets never appear in it.
public final class StandardDeliverer: Deliverer {
    /// Options.
    public struct Configuration: Sendable {
        /// Where secret header values, Slack webhook URLs and Telegram bot tokens come from.
        public var environment: RunnerEnvironment
        /// The longest one HTTP delivery may take.
        public var timeout: Duration
        /// The directory `log` deliveries write under (`--log-dir`); they are refused when `nil`.
        public var logDirectory: String?

        /// - Parameters:
        ///   - environment: where secrets come from.
        ///   - timeout: the longest one HTTP delivery may take.
        ///   - logDirectory: where log files may be.
        public init(environment: RunnerEnvironment = .process, timeout: Duration = .seconds(30), logDirectory: String? = nil) {
            self.environment = environment
            self.timeout = timeout
            self.logDirectory = logDirectory
        }
    }

    /// The client HTTP deliveries go through.
    public let client: HTTPClient
    /// The options.
    public let configuration: Configuration
    let lines: LineWriter
    private let ownsClient: Bool

    /// - Parameters:
    ///   - configuration: options.
    ///   - client: a client to share (the caller shuts it down); when `nil` the deliverer
    ///     makes its own and ``shutdown()`` shuts it down.
    ///   - standardOutput: writes one line (newline included) to standard output; the
    ///     process's standard output by default.
    public init(configuration: Configuration = Configuration(), client: HTTPClient? = nil,
                standardOutput: (@Sendable ([UInt8]) throws -> Void)? = nil) {
        self.configuration = configuration
        self.client = client ?? HTTPClient.makePacerClient()
        self.ownsClient = client == nil
        self.lines = LineWriter(logDirectory: configuration.logDirectory,
                                standardOutput: standardOutput ?? LineWriter.writeToStandardOutput)
    }

    /// Shuts down the client if the deliverer made it; call once, after the last delivery.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// Delivers one report.
    /// - Parameters:
    ///   - report: the finished run.
    ///   - delivery: where to.
    /// - Throws: ``RunnerError`` saying why delivery failed.
    public func deliver(_ report: RunReport, to delivery: Delivery) async throws {
        switch delivery {
        case .none:
            return
        case .stdout:
            let line = try Self.jsonLine(report)
            do {
                try await lines.writeStandardOutput(line)
            } catch let error as RunnerError {
                throw error
            } catch {
                throw RunnerError(.fileError, "cannot write to standard output: \(error)")
            }
        case .log(let log):
            try await lines.append(try Self.jsonLine(report), to: log.path)
        case .webhook(let endpoint):
            try await webhook(report, to: endpoint)
        case .slack(let slack):
            try await self.slack(report, to: slack)
        case .telegram(let telegram):
            try await self.telegram(report, to: telegram)
        case .email:
            throw RunnerError.unsupported("email delivery is not supported yet")
        }
    }

    /// The report as one line of JSON (snake_case, RFC 3339 instants).
    static func jsonLine(_ report: RunReport) throws(RunnerError) -> [UInt8] {
        do {
            return Array(try PacerJSON.encode(report))
        } catch {
            throw RunnerError(.invalidRequest, "cannot encode the run report: \(error)")
        }
    }

    private func webhook(_ report: RunReport, to endpoint: WebhookDelivery) async throws {
        var exchange = HTTPExchange(method: "POST", url: endpoint.url)
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) { exchange.set(name, value) }
        let secrets = try configuration.environment.secretHeaders(endpoint.headersFromEnv, sentTo: endpoint.url)
        for (name, value) in secrets { exchange.setSecret(name, value) }
        if !exchange.has("Content-Type") { exchange.set("Content-Type", "application/json") }
        exchange.set("Idempotency-Key", report.runID)
        exchange.body = try Self.jsonLine(report)
        try await post(exchange, service: "webhook", secrets: secrets.map(\.1))
    }

    /// Sends a delivery request and checks for a 2xx answer.
    /// - Parameters:
    ///   - exchange: the request.
    ///   - service: how the far end is named in errors (`webhook`, `Slack`, `Telegram`).
    ///   - secret: a value that must never appear in an error (a token, a webhook URL).
    ///   - detail: picks the interesting part of an error answer's body.
    func post(_ exchange: HTTPExchange, service: String, secret: String? = nil, secrets: [String] = [],
              detail: (HTTPExchange.Answer) -> String = { $0.text }) async throws {
        let hidden = secrets + (secret.map { [$0] } ?? [])
        let answer: HTTPExchange.Answer
        do {
            answer = try await exchange.send(with: client, timeout: configuration.timeout, maxBodyBytes: 4096)
        } catch {
            try Task.checkCancellation()
            let failure = HTTPFailure(error)
            throw RunnerError(failure.runnerError.code, Self.scrub("\(service) delivery failed: \(failure.message)", hidden))
        }
        guard (200..<300).contains(answer.status) else {
            let text = detail(answer).trimmingCharacters(in: .whitespacesAndNewlines)
            let suffix = text.isEmpty ? "" : ": " + String(text.prefix(300))
            throw RunnerError(.httpStatus, Self.scrub("\(service) answered \(answer.statusLine)\(suffix)", hidden),
                              httpStatus: answer.status)
        }
    }

    /// Removes secrets from a message.
    static func scrub(_ message: String, _ secrets: [String]) -> String {
        var out = message
        for secret in secrets where !secret.isEmpty { out = out.replacingOccurrences(of: secret, with: Redaction.mask) }
        return out
    }
}
