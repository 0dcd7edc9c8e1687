import AsyncHTTPClient
import PacerCore

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
            self.init(message: "could not reach the server: \(ConnectionFailure.reason(error))", isPermanent: false)
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
            if ConnectionFailure.requestProblems.contains(short) {
                self.init(message: "cannot send the request: \(short.lowercased())", isPermanent: true)
            } else {
                self.init(message: "HTTP error: \(short.lowercased())", isPermanent: false)
            }
        }
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
