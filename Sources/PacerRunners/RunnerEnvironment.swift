import Foundation

/// Where runners read environment variables: the secret header values of `headers_from_env`,
/// Slack webhook URLs, Telegram bot tokens and model API keys named by variable, and the
/// environment commands inherit.
///
/// Secrets are read only from the variables the server allows (`--allow-env`): a definition
/// that names another gets an error, whatever wrote it. Values are read each time they are
/// needed (so a rotated secret is picked up without a restart) and are never logged or stored.
public struct RunnerEnvironment: Sendable {
    private let read: @Sendable () -> [String: String]
    /// The variables secrets may come from; any when `nil`.
    public let allowed: Set<String>?

    /// - Parameters:
    ///   - read: returns every variable; called at each use.
    ///   - allowed: the variables secrets may come from; any when `nil`.
    public init(_ read: @escaping @Sendable () -> [String: String], allowed: Set<String>? = nil) {
        self.read = read
        self.allowed = allowed
    }

    /// The server process's own environment, read at each use.
    public static let process = RunnerEnvironment { ProcessInfo.processInfo.environment }

    /// A fixed set of variables (tests, or a server that passes an explicit environment).
    /// - Parameter values: the variables.
    public static func fixed(_ values: [String: String]) -> RunnerEnvironment {
        RunnerEnvironment { values }
    }

    /// This environment with secrets read only from `names`.
    /// - Parameter names: the allowed variables.
    public func allowing(_ names: Set<String>) -> RunnerEnvironment {
        RunnerEnvironment(read, allowed: names)
    }

    /// Every variable, as of now: what child processes inherit (only admins define those).
    public var values: [String: String] { read() }

    /// The variables secrets may be read from, as of now.
    public var secrets: [String: String] {
        guard let allowed else { return read() }
        return read().filter { allowed.contains($0.key) }
    }

    /// One secret, as of now: `nil` when it is not set or not allowed.
    /// - Parameter name: the variable's name.
    public subscript(name: String) -> String? { secrets[name] }

    /// One secret, as of now.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - what: what it is for, named in an error (`header Authorization`).
    /// - Throws: ``RunnerError`` when the variable is not allowed, not set or empty.
    func secret(_ name: String, for what: String) throws(RunnerError) -> String {
        if let allowed, !allowed.contains(name) { throw .notAllowed(name, for: what) }
        guard let value = read()[name], !value.isEmpty else { throw .missingEnvironment(name, for: what) }
        return value
    }

    /// The values of secret headers: header name to the value of the variable it names.
    /// - Parameter headersFromEnv: header name to variable name.
    /// - Throws: ``RunnerError`` naming the first variable missing or not allowed (in header order).
    func secretHeaders(_ headersFromEnv: [String: String]) throws(RunnerError) -> [(String, String)] {
        var out: [(String, String)] = []
        for (header, variable) in headersFromEnv.sorted(by: { $0.key < $1.key }) {
            out.append((header, try secret(variable, for: "header \(header)")))
        }
        return out
    }
}

/// Removes secret values from text that is stored, logged or delivered (an answer that echoes a
/// secret header, an error message that quotes a URL).
public enum Redaction {
    /// What replaces a secret.
    public static let mask = "[redacted]"

    /// `text` with every secret of at least four characters replaced by ``mask``.
    /// - Parameters:
    ///   - text: the text.
    ///   - secrets: the values to remove.
    public static func scrub(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets.filter({ $0.count >= 4 }).sorted(by: { $0.count > $1.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: mask)
        }
        return out
    }

    /// ``scrub(_:_:)`` of an optional text.
    public static func scrub(_ text: String?, _ secrets: [String]) -> String? {
        text.map { scrub($0, secrets) }
    }
}
