/// Why an item source or a delivery failed, or why a runner refused a target.
///
/// The ``code`` is stable and safe as a metric label; the ``message`` says what happened in
/// words a schedule's owner can act on. Messages never contain secret values (header values
/// from the environment, bot tokens, webhook URLs).
public struct RunnerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, without the details.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case missingEnvironment = "missing_environment"
            case environmentNotAllowed = "environment_not_allowed"
            case invalidRequest = "invalid_request"
            case httpStatus = "http_status"
            case network
            case notJSONArray = "not_json_array"
            case commandsDisabled = "commands_disabled"
            case commandFailed = "command_failed"
            case fileError = "file_error"
            case unsupported
        }
        fileprivate let base: Base

        /// An environment variable named by the schedule is not set.
        public static let missingEnvironment = Code(base: .missingEnvironment)
        /// An environment variable named by the schedule is not on the server's list.
        public static let environmentNotAllowed = Code(base: .environmentNotAllowed)
        /// The request could not be built (bad URL, bad header).
        public static let invalidRequest = Code(base: .invalidRequest)
        /// The far end answered with a status other than 2xx.
        public static let httpStatus = Code(base: .httpStatus)
        /// The far end could not be reached, or the connection broke.
        public static let network = Code(base: .network)
        /// An item source answered something other than a JSON array.
        public static let notJSONArray = Code(base: .notJSONArray)
        /// The server does not run commands.
        public static let commandsDisabled = Code(base: .commandsDisabled)
        /// A command could not be started or did not exit with status 0.
        public static let commandFailed = Code(base: .commandFailed)
        /// A file could not be opened or written.
        public static let fileError = Code(base: .fileError)
        /// The feature is not implemented.
        public static let unsupported = Code(base: .unsupported)

        /// The code as snake_case text, e.g. `http_status`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure.
    public let code: Code
    /// What happened.
    public let message: String
    /// The HTTP status the far end answered, for ``Code/httpStatus``.
    public let httpStatus: Int?

    public var description: String { message }

    init(_ code: Code, _ message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// The text run outcomes and deliveries record for commands being disabled.
    static let commandsDisabledMessage = "commands are disabled on this server; start it with --allow-commands"

    static func missingEnvironment(_ variable: String, for use: String) -> RunnerError {
        RunnerError(.missingEnvironment, "environment variable \(variable) (for \(use)) is not set")
    }

    static func notAllowed(_ variable: String, for use: String, destination: String? = nil) -> RunnerError {
        if let destination {
            return RunnerError(.environmentNotAllowed,
                               "environment variable \(variable) (for \(use)) may not be sent to \(destination) (its --allow-env pin)")
        }
        return RunnerError(.environmentNotAllowed,
                           "environment variable \(variable) (for \(use)) is not on this server's list of allowed variables (--allow-env)")
    }

    static func commandsDisabled(_ what: String? = nil) -> RunnerError {
        RunnerError(.commandsDisabled, what.map { "\($0): \(commandsDisabledMessage)" } ?? commandsDisabledMessage)
    }

    static func unsupported(_ message: String) -> RunnerError { RunnerError(.unsupported, message) }
}
