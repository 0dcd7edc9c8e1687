import Foundation

/// Where runners read environment variables: the secret header values of `headers_from_env`,
/// Slack webhook URLs and Telegram bot tokens named by variable, and the environment commands
/// inherit.
///
/// Values are read each time they are needed (so a rotated secret is picked up without a
/// restart) and are never logged or stored.
public struct RunnerEnvironment: Sendable {
    private let read: @Sendable () -> [String: String]

    /// - Parameter read: returns every variable; called at each use.
    public init(_ read: @escaping @Sendable () -> [String: String]) {
        self.read = read
    }

    /// The server process's own environment, read at each use.
    public static let process = RunnerEnvironment { ProcessInfo.processInfo.environment }

    /// A fixed set of variables (tests, or a server that passes an explicit environment).
    /// - Parameter values: the variables.
    public static func fixed(_ values: [String: String]) -> RunnerEnvironment {
        RunnerEnvironment { values }
    }

    /// Every variable, as of now.
    public var values: [String: String] { read() }

    /// One variable, as of now.
    /// - Parameter name: the variable's name.
    public subscript(name: String) -> String? { read()[name] }

    /// The values of secret headers: header name to the value of the variable it names.
    /// - Parameter headersFromEnv: header name to variable name.
    /// - Throws: ``RunnerError`` naming the first missing variable (in header order).
    func secretHeaders(_ headersFromEnv: [String: String]) throws(RunnerError) -> [(String, String)] {
        guard !headersFromEnv.isEmpty else { return [] }
        let all = values
        var out: [(String, String)] = []
        for (header, variable) in headersFromEnv.sorted(by: { $0.key < $1.key }) {
            guard let value = all[variable] else {
                throw .missingEnvironment(variable, for: "header \(header)")
            }
            out.append((header, value))
        }
        return out
    }
}
