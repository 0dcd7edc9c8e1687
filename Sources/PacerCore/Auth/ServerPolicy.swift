import Foundation

/// What a server lets definitions reach beyond HTTP: programs it runs, environment variables
/// it reads, files it writes. `pacer serve` builds it from `--allow-commands`, `--allow-env`
/// and `--log-dir` (and the config file) and publishes it in the store, so that every surface
/// checks a definition against the same settings when it is written, and the server checks
/// it again at every run. The default allows nothing.
public struct ServerPolicy: Sendable, Hashable, Codable {
    /// One environment variable definitions may name, optionally pinned to where its value may
    /// be sent.
    public struct AllowedVariable: Sendable, Hashable, Codable, Comparable {
        /// The variable's name.
        public var name: String
        /// When set, the value may only be sent to URLs that start with this prefix
        /// (`https://api.anthropic.com/`); anywhere when `nil`.
        public var destination: String?

        /// - Parameters:
        ///   - name: the variable's name.
        ///   - destination: URL prefix the value may be sent to, or `nil` for anywhere.
        public init(name: String, destination: String? = nil) {
            self.name = name
            self.destination = destination
        }

        public static func < (a: Self, b: Self) -> Bool { (a.name, a.destination ?? "") < (b.name, b.destination ?? "") }

        /// Parses `NAME` or `NAME=https://host/prefix` (the form of `--allow-env`).
        /// - Parameter text: the setting.
        /// - Returns: the variable, or a message saying what is wrong.
        public static func parse(_ text: String) -> Result<AllowedVariable, PolicyError> {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard Validator.isEnvName(parts[0]) else {
                return .failure(PolicyError("'\(text.prefix(200))' is not an environment variable name (letters, digits and _, not starting with a digit)"))
            }
            guard parts.count == 2 else { return .success(AllowedVariable(name: parts[0])) }
            guard Validator.isHTTPURL(parts[1]) else {
                return .failure(PolicyError("'\(parts[1].prefix(200))' (where \(parts[0]) may be sent) is not an absolute http or https URL"))
            }
            return .success(AllowedVariable(name: parts[0], destination: parts[1]))
        }

        /// The setting as `--allow-env` takes it.
        public var text: String { destination.map { "\(name)=\($0)" } ?? name }
    }

    /// Whether command targets, command item sources and command checks may run.
    public var allowCommands: Bool
    /// The environment variables definitions may name, sorted.
    public var allowedEnvironment: [AllowedVariable]
    /// The directory `log` deliveries write under; `nil` refuses them.
    public var logDirectory: String?

    enum CodingKeys: String, CodingKey {
        case allowCommands = "allow_commands", allowedEnvironment = "allowed_environment", logDirectory = "log_directory"
    }

    /// - Parameters:
    ///   - allowCommands: whether programs may run.
    ///   - allowedEnvironment: variables definitions may name.
    ///   - logDirectory: where log deliveries may write.
    public init(allowCommands: Bool = false, allowedEnvironment: [AllowedVariable] = [], logDirectory: String? = nil) {
        self.allowCommands = allowCommands
        self.allowedEnvironment = Array(Set(allowedEnvironment)).sorted()
        self.logDirectory = logDirectory.map(Self.normalized)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(allowCommands: try c.decodeIfPresent(Bool.self, forKey: .allowCommands) ?? false,
                  allowedEnvironment: try c.decodeIfPresent([AllowedVariable].self, forKey: .allowedEnvironment) ?? [],
                  logDirectory: try c.decodeIfPresent(String.self, forKey: .logDirectory))
    }

    /// The policy that allows nothing: what a store without a published policy is checked against.
    public static let closed = ServerPolicy()

    /// Why sending variable `name` to `destination` is not allowed, or `nil` when it is.
    /// - Parameters:
    ///   - name: the variable.
    ///   - destination: the URL its value goes to (`nil` when it does not go over HTTP).
    public func environmentRefusal(_ name: String, destination: String?) -> String? {
        let entries = allowedEnvironment.filter { $0.name == name }
        if entries.isEmpty {
            return "'\(name)' is not on this server's list of environment variables definitions may name "
                + "(pacer serve --allow-env \(name), or allow_env in its config file)"
        }
        if entries.contains(where: { $0.destination == nil }) { return nil }
        if let destination, entries.contains(where: { Self.destination(destination, isWithin: $0.destination!) }) { return nil }
        let allowed = entries.compactMap(\.destination).joined(separator: ", ")
        return "'\(name)' may only be sent to \(allowed)" + (destination.map { ", not to '\($0.prefix(200))'" } ?? "")
    }

    /// Why a `log` delivery may not write `path`, or `nil` when it may: the path must be an
    /// absolute, normalised path (no `.`/`..` segments) inside ``logDirectory``. Symbolic
    /// links are refused when the file is opened.
    /// - Parameter path: the file.
    public func logPathRefusal(_ path: String) -> String? {
        guard let logDirectory else {
            return "log deliveries are off on this server (start pacer serve with --log-dir DIR to allow files under DIR)"
        }
        guard path.hasPrefix("/") else { return "'\(path.prefix(200))' is not an absolute path" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.contains(where: { $0 == "." || $0 == ".." || $0.isEmpty }) {
            return "'\(path.prefix(200))' must be a plain path (no empty, '.' or '..' segments)"
        }
        guard path.hasPrefix(logDirectory == "/" ? "/" : logDirectory + "/"), path != logDirectory else {
            return "'\(path.prefix(200))' is not inside the server's log directory \(logDirectory)"
        }
        return nil
    }

    /// Whether `url` lies within a pinned destination: the same scheme, host and port (default
    /// ports made explicit), no user info, and a path inside the pin's path at a segment
    /// boundary (`https://api.example.com/v1` admits `/v1` and `/v1/x`, not `/v10`). A plain
    /// text prefix would admit `https://api.example.com.evil.tld/` and `https://api.example.com@evil.tld/`.
    /// - Parameters:
    ///   - url: where a value would be sent.
    ///   - pin: the destination the variable is pinned to.
    public static func destination(_ url: String, isWithin pin: String) -> Bool {
        guard let u = URLComponents(string: url), let p = URLComponents(string: pin),
              u.user == nil, u.password == nil, p.user == nil, p.password == nil,
              let scheme = u.scheme?.lowercased(), scheme == p.scheme?.lowercased(),
              let host = u.host?.lowercased(), !host.isEmpty, host == p.host?.lowercased(),
              effectivePort(u) == effectivePort(p) else { return false }
        let path = u.path.isEmpty ? "/" : u.path
        var pinPath = p.path.isEmpty ? "/" : p.path
        if pinPath.hasSuffix("/") { pinPath.removeLast() }
        return path == pinPath || path.hasPrefix(pinPath + "/")
    }

    private static func effectivePort(_ c: URLComponents) -> Int? {
        c.port ?? ["http": 80, "https": 443, "smtp": 25][c.scheme?.lowercased() ?? ""]
    }

    /// A directory path without a trailing slash (`/` stays `/`).
    static func normalized(_ path: String) -> String {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// A server setting that cannot be used, with a message naming the value.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// - Parameter message: what is wrong.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
