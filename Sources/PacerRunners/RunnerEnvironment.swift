import Foundation
import PacerCore

/// Where runners read environment variables: the secret header values of `headers_from_env`,
/// Slack webhook URLs, Telegram bot tokens and model API keys named by variable, and the
/// environment commands inherit.
///
/// Secrets are read only from the variables the server allows (`--allow-env`): a definition
/// that names another gets an error, whatever wrote it. Values are read each time they are
/// needed (so a rotated secret is picked up without a restart) and are never logged or stored.
public struct RunnerEnvironment: Sendable {
    private let read: @Sendable () -> [String: String]
    /// The variables secrets may come from, each with the destinations its value may go to
    /// (`nil`: anywhere); any variable, anywhere, when `nil`.
    public let allowed: [String: [String?]]?

    /// - Parameters:
    ///   - read: returns every variable; called at each use.
    ///   - allowed: the variables secrets may come from and where they may be sent; any when `nil`.
    public init(_ read: @escaping @Sendable () -> [String: String], allowed: [String: [String?]]? = nil) {
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

    /// This environment with secrets read only from the server's allowed variables, and sent
    /// only where they are pinned.
    /// - Parameter variables: the allowed variables (``PacerCore/ServerPolicy/allowedEnvironment``).
    public func allowing(_ variables: [ServerPolicy.AllowedVariable]) -> RunnerEnvironment {
        RunnerEnvironment(read, allowed: Dictionary(grouping: variables, by: \.name).mapValues { $0.map(\.destination) })
    }

    /// This environment with secrets read only from `names`, sent anywhere.
    /// - Parameter names: the allowed variables.
    public func allowing(_ names: Set<String>) -> RunnerEnvironment {
        allowing(names.map { ServerPolicy.AllowedVariable(name: $0) })
    }

    /// Every variable, as of now: what child processes inherit (only admins define those).
    public var values: [String: String] { read() }

    /// One secret, as of now: `nil` when it is not set, not allowed, or pinned elsewhere.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - destination: where its value goes.
    public func value(_ name: String, sentTo destination: String? = nil) -> String? {
        try? secret(name, for: name, sentTo: destination)
    }

    /// One secret, as of now.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - what: what it is for, named in an error (`header Authorization`).
    ///   - destination: the URL its value is sent to (`nil` when it is no URL's).
    /// - Throws: ``RunnerError`` when the variable is not allowed (or not towards
    ///   `destination`), not set or empty.
    public func secret(_ name: String, for what: String, sentTo destination: String? = nil) throws(RunnerError) -> String {
        try requireAllowed(name, for: what, sentTo: destination)
        guard let value = read()[name], !value.isEmpty else { throw .missingEnvironment(name, for: what) }
        return value
    }

    /// Refuses a variable the server does not allow, or allows only towards other destinations.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - what: what it is for.
    ///   - destination: where its value would go.
    public func requireAllowed(_ name: String, for what: String, sentTo destination: String? = nil) throws(RunnerError) {
        if let allowed {
            guard let pins = allowed[name] else { throw .notAllowed(name, for: what) }
            let ok = pins.contains { pin in
                pin == nil || destination.map { ServerPolicy.destination($0, isWithin: pin!) } == true
            }
            if !ok { throw .notAllowed(name, for: what, destination: destination) }
        }
    }

    /// The values of secret headers: header name to the value of the variable it names.
    /// - Parameters:
    ///   - headersFromEnv: header name to variable name.
    ///   - destination: the URL the request goes to.
    /// - Throws: ``RunnerError`` naming the first variable missing or not allowed (in header order).
    func secretHeaders(_ headersFromEnv: [String: String], sentTo destination: String) throws(RunnerError) -> [(String, String)] {
        var out: [(String, String)] = []
        for (header, variable) in headersFromEnv.sorted(by: { $0.key < $1.key }) {
            out.append((header, try secret(variable, for: "header \(header)", sentTo: destination)))
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
