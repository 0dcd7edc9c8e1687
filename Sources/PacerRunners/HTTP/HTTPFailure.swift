import AsyncHTTPClient

/// How an error thrown while talking HTTP reads on a run, and whether retrying can help.
struct HTTPFailure: Sendable, Hashable {
    /// One line for the run's error.
    var message: String
    /// Retrying cannot help (a malformed URL or header).
    var isPermanent: Bool

    /// Classifies an error from ``HTTPExchange/send(with:timeout:maxBodyBytes:)``.
    /// - Parameter error: the error.
    init(_ error: any Error) {
        if let error = error as? RunnerError {
            self.init(message: error.message, isPermanent: error.code != .network && error.code != .httpStatus)
            return
        }
        guard let error = error as? HTTPClientError else {
            self.init(message: "could not reach the server: \(Self.reason(error))", isPermanent: false)
            return
        }
        switch error {
        case .deadlineExceeded:
            self.init(message: "the request took too long and was abandoned", isPermanent: false)
        case .cancelled:
            self.init(message: "the request was cancelled", isPermanent: false)
        case .connectTimeout:
            self.init(message: "could not reach the server: connect timeout", isPermanent: false)
        case .remoteConnectionClosed:
            self.init(message: "the server closed the connection before answering", isPermanent: false)
        case .redirectLimitReached, .redirectCycleDetected:
            self.init(message: "too many redirects", isPermanent: false)
        default:
            let short = error.shortDescription
            if Self.permanentErrors.contains(short) {
                self.init(message: "cannot send the request: \(short.lowercased())", isPermanent: true)
            } else {
                self.init(message: "HTTP error: \(short.lowercased())", isPermanent: false)
            }
        }
    }

    /// Client errors about the request itself (``HTTPClientError/shortDescription``), which a
    /// retry repeats.
    private static let permanentErrors: Set<String> = [
        "Invalid URL", "Empty host", "Empty scheme", "Missing socket path", "Unsupported scheme",
        "Invalid header field names", "Invalid header field values", "Trace request with body",
    ]

    /// The system's reason for a connection error, in a few words when it is a common one
    /// (the NIO errors' own descriptions carry their internal structure).
    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        let known: [(String, String)] = [
            ("Connection refused", "connection refused"),
            ("Connection reset by peer", "connection reset by peer"),
            ("Network is unreachable", "network is unreachable"),
            ("No route to host", "no route to host"),
            ("Connection timed out", "connection timed out"),
            ("Name or service not known", "the host name could not be resolved"),
            ("nodename nor servname", "the host name could not be resolved"),
            ("Temporary failure in name resolution", "the host name could not be resolved"),
        ]
        for (needle, words) in known where text.contains(needle) { return words }
        if text.contains("dnsAError: Optional") || text.contains("dnsAAAAError: Optional") {
            return "the host name could not be resolved"
        }
        return text
    }

    init(message: String, isPermanent: Bool) {
        self.message = message
        self.isPermanent = isPermanent
    }

    /// As a ``RunnerError`` for item sources and deliveries.
    var runnerError: RunnerError {
        RunnerError(isPermanent ? .invalidRequest : .network, message)
    }
}
