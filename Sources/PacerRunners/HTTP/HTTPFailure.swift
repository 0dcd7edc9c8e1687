import PacerCore
import PacerHTTP

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
        let failure = HTTPClientFailure(error)
        self.init(message: Self.words(failure), isPermanent: failure.isPermanent)
    }

    /// A client failure in the run's words.
    private static func words(_ failure: HTTPClientFailure) -> String {
        switch failure {
        case .unreachable(let why): "could not reach the server: \(why)"
        case .deadlineExceeded: "the request took too long and was abandoned"
        case .cancelled: "the request was cancelled"
        case .closedEarly: "the server closed the connection before answering"
        case .tooManyRedirects: "too many redirects"
        case .invalidRequest(let what): "cannot send the request: \(what)"
        case .other(let what): "HTTP error: \(what)"
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
