import Foundation
import Hummingbird
import PacerCore
import PacerStore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets the caller of every `/v1` and `/mcp` request from its bearer token.
///
/// * While the store holds no token, the caller is ``Caller/local`` (every scope) when the
///   server is bound to loopback, and every request is refused otherwise (`pacer serve`
///   refuses such a bind; a server only gets there when its last token is deleted while it runs).
/// * Once a token exists, `Authorization: Bearer <secret>` must name one: its SHA-256 is looked
///   up and compared in constant time, and the caller is the token's name and scopes. A missing
///   or unknown token is a 401 with `WWW-Authenticate: Bearer`.
///
/// Scopes are checked per route (``APIRoute``). Whether tokens exist is cached for at most a
/// second; the last use of a token is recorded at most once a minute. Secrets are never logged.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let store: any TokenStore
    let loopback: Bool
    let state: AuthState
    let clock: any WallClock

    /// - Parameters:
    ///   - store: where tokens are kept.
    ///   - loopback: whether the server is bound to a loopback address only.
    ///   - clock: the clock of `last_used_at` and of the token-presence cache.
    public init(store: any TokenStore, loopback: Bool = true, clock: any WallClock = SystemClock()) {
        self.store = store
        self.loopback = loopback
        self.clock = clock
        state = AuthState()
    }

    /// The path prefixes that need a caller.
    public static let protectedPrefixes = ["/v1", "/mcp"]

    /// How long `hasTokens` is trusted, by the injected clock.
    static let presenceTTL: TimeInterval = 1
    /// How often a token's `last_used_at` is written, at most.
    static let touchInterval: TimeInterval = 60

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isProtected(request.uri.path) else { return try await next(request, context) }
        var context = context
        context.caller = try await caller(for: request)
        return try await next(request, context)
    }

    /// Whether a path is under one of ``protectedPrefixes`` (`/v1`, `/v1/...`, not `/v10`).
    static func isProtected(_ path: String) -> Bool {
        protectedPrefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    private func caller(for request: Request) async throws -> Caller {
        if let secret = Self.bearer(request.headers[.authorization]), APIToken.isSecretShaped(secret),
           let token = try await store.token(hash: APIToken.hash(secret: secret)), token.matches(secret: secret) {
            state.sawToken(at: clock.now())
            await touch(token)
            return Caller(name: token.name, scopes: Set(token.scopes.compactMap(Scope.init(rawValue:))))
        }
        if try await hasTokens() == false, loopback { return .local }
        throw APIError.unauthorized
    }

    /// `hasTokens`, cached for at most ``presenceTTL``.
    private func hasTokens() async throws -> Bool {
        if let cached = state.cachedPresence(ttl: Self.presenceTTL, now: clock.now()) { return cached }
        let present = try await store.hasTokens()
        state.setPresence(present, at: clock.now())
        return present
    }

    /// Records the use, at most once per ``touchInterval`` per token; a failure to record it
    /// never fails the request.
    private func touch(_ token: APIToken) async {
        let at = clock.now()
        if let last = token.lastUsedAt, at.timeIntervalSince(last) < Self.touchInterval { return }
        guard state.claimTouch(token.id, at: at, interval: Self.touchInterval) else { return }
        try? await store.touchToken(id: token.id, at: at)
    }

    /// The credentials of `Authorization: Bearer <token>` (scheme case-insensitive), or `nil`.
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credentials = parts[1].trimmingCharacters(in: .whitespaces)
        return credentials.isEmpty ? nil : credentials
    }
}

/// What the middleware remembers between requests: whether tokens exist (and since when it
/// knows), and when each token's use was last recorded.
final class AuthState: Sendable {
    private struct Memory {
        var presence: (value: Bool, at: Date)?
        var touched: [String: Date] = [:]
    }

    private let memory = Mutex(Memory())

    /// The cached answer while younger than `ttl` (a clock that went back expires it).
    func cachedPresence(ttl: TimeInterval, now: Date) -> Bool? {
        memory.withLock { m in
            guard let p = m.presence, now >= p.at, now.timeIntervalSince(p.at) < ttl else { return nil }
            return p.value
        }
    }

    func setPresence(_ value: Bool, at: Date) {
        memory.withLock { $0.presence = (value, at) }
    }

    /// A valid token was presented, so tokens exist.
    func sawToken(at: Date) { setPresence(true, at: at) }

    /// Whether this request should record the token's use (no other did within `interval`).
    func claimTouch(_ id: String, at: Date, interval: TimeInterval) -> Bool {
        memory.withLock { m in
            if let last = m.touched[id], at.timeIntervalSince(last) < interval, at >= last { return false }
            if m.touched.count > 10_000 { m.touched.removeAll() }
            m.touched[id] = at
            return true
        }
    }
}

extension ServerConfiguration {
    /// Whether the configured host is a loopback address.
    public var isLoopback: Bool { Self.isLoopback(host) }

    /// Whether a host is a loopback address: `localhost`, any of 127.0.0.0/8, or `::1`
    /// (brackets allowed; IPv4-mapped `::ffff:127.x.y.z` too). Anything else, including
    /// `0.0.0.0` and other host names, is not.
    /// - Parameter host: the host to bind.
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.trimmingCharacters(in: .whitespaces).lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, h, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { $0[0] } == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, h, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }
}
