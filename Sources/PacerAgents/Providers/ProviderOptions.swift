import Foundation
import Logging

/// How a model provider talks HTTP: the request timeout, and how often and how long it waits
/// before retrying a rate limit, a server error or a dropped connection.
public struct ProviderOptions: Sendable {
    /// The longest one HTTP request may take, in seconds.
    public var requestTimeout: TimeInterval
    /// Retries after the first attempt (0: no retry).
    public var maxRetries: Int
    /// The wait before the first retry, in seconds; it doubles for each further retry, up to
    /// ``maxBackoff``.
    public var backoffBase: Double
    /// Waits the given seconds; the default is `Task.sleep`. Tests inject a recorder that
    /// returns at once. It should throw `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Double) async throws -> Void
    /// Where retries are logged (status and delay; never the key, headers or URL).
    public var logger: Logger

    /// The longest wait computed from ``backoffBase``, in seconds.
    public static let maxBackoff: Double = 30
    /// The longest `Retry-After` honoured, in seconds.
    public static let maxRetryAfter: Double = 60

    /// - Parameters:
    ///   - requestTimeout: seconds one HTTP request may take (120 by default).
    ///   - maxRetries: retries after the first attempt (3 by default).
    ///   - backoffBase: seconds before the first retry, doubled for each further one (1 by default).
    ///   - sleep: waits the given seconds (`Task.sleep` by default).
    ///   - logger: where retries are logged.
    public init(requestTimeout: TimeInterval = 120, maxRetries: Int = 3, backoffBase: Double = 1,
                sleep: @escaping @Sendable (Double) async throws -> Void = ProviderOptions.taskSleep,
                logger: Logger = Logger(label: "pacer.agents.model")) {
        self.requestTimeout = requestTimeout
        self.maxRetries = maxRetries
        self.backoffBase = backoffBase
        self.sleep = sleep
        self.logger = logger
    }

    /// `Task.sleep` for the given seconds (none for 0 or less).
    /// - Parameter seconds: how long.
    @Sendable public static func taskSleep(_ seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// The wait before a retry: the provider's `Retry-After` when it sent one (at most
    /// ``maxRetryAfter``), else ``backoffBase`` doubled per earlier retry (at most
    /// ``maxBackoff``). Pure.
    /// - Parameters:
    ///   - retry: which retry, from 1.
    ///   - retryAfter: seconds the provider asked for, if any.
    /// - Returns: seconds to wait.
    public func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), Self.maxRetryAfter) }
        let exponent = Double(max(0, min(retry - 1, 62)))
        return min(max(0, backoffBase) * pow(2, exponent), Self.maxBackoff)
    }
}
