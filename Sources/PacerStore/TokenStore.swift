import Foundation
import PacerCore

/// API tokens: a unique name, scopes and the SHA-256 of the secret (never the secret).
public protocol TokenStore: Sendable {
    /// Validates and inserts a token (a revoked name it takes is no longer revoked).
    /// - Parameter token: the token (as ``PacerCore/APIToken/make(name:scopes:at:)`` makes it).
    /// - Returns: the token as stored.
    /// - Throws: `ValidationError` (nothing written; `hash` when another token has that
    ///   digest), ``StoreError/nameTaken(_:)``.
    func createToken(_ token: APIToken) async throws -> APIToken

    /// Every token, ordered by name.
    func tokens() async throws -> [APIToken]

    /// The token whose secret has this digest, or `nil`.
    /// - Parameter hash: SHA-256 of the secret, lower-case hex.
    func token(hash: String) async throws -> APIToken?

    /// Deletes the token with that name or, when no token has that name, that id, and
    /// remembers its name as revoked (until a new token takes the name).
    /// - Parameter nameOrID: a name or an id.
    /// - Returns: whether a token was deleted.
    @discardableResult
    func deleteToken(nameOrID: String) async throws -> Bool

    /// Whether `name` belonged to a deleted token that no live token has taken since: the
    /// schedules it owns run with no scopes.
    /// - Parameter name: an owner's name.
    func isRevokedTokenName(_ name: String) async throws -> Bool

    /// Whether any token exists (a server without tokens answers loopback callers only).
    func hasTokens() async throws -> Bool

    /// Records a use of a token: sets `last_used_at` to `at` unless it is that late already
    /// (callers throttle; a late, out-of-order touch never moves it back). Unknown ids are
    /// ignored.
    /// - Parameters:
    ///   - id: the token's id.
    ///   - at: the instant of the request.
    func touchToken(id: String, at: Date) async throws
}

extension TokenStore {
    /// The scopes of the token named `owner`, none (an empty set) when `owner` belonged to a
    /// deleted token, `nil` when it is not a token's name (names reserved for Pacer's own
    /// surfaces never are).
    /// - Parameter owner: a schedule's owner.
    public func tokenScopes(_ owner: String) async throws -> Set<Scope>? {
        if Privilege.isReserved(owner) { return nil }
        if let token = try await token(nameOrID: owner), token.name == owner {
            return Set(token.scopes.compactMap(Scope.init(rawValue:)))
        }
        return try await isRevokedTokenName(owner) ? [] : nil
    }

    /// The token with that name or, when no token has that name, that id.
    /// - Parameter nameOrID: a name or an id.
    public func token(nameOrID: String) async throws -> APIToken? {
        let all = try await tokens()
        return all.first { $0.name == nameOrID } ?? all.first { $0.id == nameOrID }
    }
}

extension APIToken {
    /// `scopes` as stored: names separated by single spaces.
    package var storedScopes: String { scopes.joined(separator: " ") }

    /// Scope names from their stored form.
    package static func scopes(stored text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}
