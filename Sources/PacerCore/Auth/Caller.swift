/// Who is calling: a token's name and scopes, or the local caller of a server without tokens
/// (which only ever listens on loopback).
public struct Caller: Sendable, Hashable {
    /// The token's name (`local` without tokens); recorded as the owner of what it creates.
    public var name: String
    /// Its scopes.
    public var scopes: Set<Scope>

    /// - Parameters:
    ///   - name: the token's name.
    ///   - scopes: its scopes.
    public init(name: String, scopes: Set<Scope>) {
        self.name = name
        self.scopes = scopes
    }

    /// The caller of a server that has no tokens: loopback only, every scope.
    public static let local = Caller(name: "local", scopes: Set(Scope.allCases))

    /// Whether the caller holds `scope` (directly or through a wider one).
    public func allows(_ scope: Scope) -> Bool {
        if scopes.contains(.admin) || scopes.contains(scope) { return true }
        return scope == .read && (scopes.contains(.write) || scopes.contains(.run))
    }
}
