import Foundation
import HTTPTypes
import Hummingbird
import PacerCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The defences against web pages, on every route: what a page on another site, opened in a
/// browser on the machine, could otherwise ask of a Pacer that trusts loopback callers.
///
/// * **DNS rebinding**: a request whose `Host` is a name other than the server's own (a
///   loopback name, the name it was started with, its public URL's, an allowed origin's, or the
///   machine's) is refused with 403: an attacker's name that resolves to 127.0.0.1 gets nothing.
///   IP literals are always accepted (rebinding needs a name).
/// * **Cross-site requests**: a request with an `Origin` that is not the server's own origin
///   (`Origin: null` included) or an allowed one is refused with 403.
/// * **Simple requests**: a body sent to `/v1` or `/mcp` must be `application/json` (415
///   otherwise), so a page cannot send one without a CORS preflight, which Pacer never grants.
/// * Every response says `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
///   `Referrer-Policy: no-referrer`, `Cross-Origin-Resource-Policy: same-origin` and a
///   `Content-Security-Policy` that allows only the dashboard's own files and no framing.
public struct BrowserGuard: RouterMiddleware {
    public typealias Context = APIRequestContext

    /// Host names (lower case, without port) accepted besides loopback names and IP literals.
    let hosts: Set<String>
    /// Origins (`scheme://host[:port]`, lower case) accepted besides the server's own.
    let origins: Set<String>

    /// The policy of every response.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// - Parameters:
    ///   - hosts: further host names the server answers to.
    ///   - origins: further origins allowed to call it (`--allowed-origin`, `--public-url`).
    public init(hosts: Set<String> = [], origins: Set<String> = []) {
        var names = Set(hosts.map { Self.normalizedHost($0) })
        var normalized: Set<String> = []
        for origin in origins {
            guard let o = Self.origin(origin) else { continue }
            normalized.insert(o.text)
            names.insert(o.host)
        }
        self.hosts = names
        self.origins = normalized
    }

    /// The guard of a server: its bind host, its public URL and allowed origins, and this
    /// machine's name.
    /// - Parameter configuration: where the server listens and who may call it.
    public init(_ configuration: ServerConfiguration) {
        var hosts: Set<String> = [configuration.host]
        if let name = Self.machineName() { hosts.insert(name) }
        var origins = Set(configuration.allowedOrigins)
        if let url = configuration.publicURL { origins.insert(url) }
        self.init(hosts: hosts, origins: origins)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if let refusal = refusal(request) {
            response = try refusal.response(from: request, context: context)
        } else {
            response = try await next(request, context)
        }
        Self.secure(&response.headers)
        return response
    }

    /// Why a request is refused, or `nil`.
    func refusal(_ request: Request) -> APIError? {
        let authority = request.head.authority ?? ""
        let host = Self.normalizedHost(Self.hostPart(of: authority))
        guard Self.isAcceptedHost(host, extra: hosts) else {
            return APIError(.forbidden, code: "forbidden_host",
                            "Host '\(String(authority.prefix(200)))' is not a name of this server; use its address "
                            + "(http://127.0.0.1:PORT) or start it with --public-url or --allowed-origin", field: "Host")
        }
        if let origin = request.headers[.origin] {
            let own = Self.origin("http://" + authority)?.authority
            let given = Self.origin(origin)
            if given == nil || (given!.authority != own && !origins.contains(given!.text)) {
                return APIError(.forbidden, code: "forbidden_origin",
                                "requests from the web origin '\(String(origin.prefix(200)))' are refused; "
                                + "this server answers its own pages and --allowed-origin", field: "Origin")
            }
        }
        if Self.needsJSON(request), !Self.isJSON(request.headers[.contentType]) {
            return APIError(.unsupportedMediaType, code: "unsupported_media_type",
                            "a request body must be JSON: send Content-Type: application/json", field: "Content-Type")
        }
        return nil
    }

    /// Adds the browser-facing headers.
    static func secure(_ headers: inout HTTPFields) {
        headers[.xFrameOptions] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.crossOriginResourcePolicy] = "same-origin"
    }

    /// Whether the request sends a body to the API (`/v1`, `/mcp`).
    static func needsJSON(_ request: Request) -> Bool {
        guard AuthMiddleware.isProtected(request.uri.path) else { return false }
        if let length = request.headers[.contentLength], let n = Int(length.trimmingCharacters(in: .whitespaces)) { return n > 0 }
        return request.headers[.transferEncoding] != nil
    }

    /// `application/json` or `application/<anything>+json`, with any parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    /// Whether a host name is one this server answers to.
    static func isAcceptedHost(_ host: String, extra: Set<String>) -> Bool {
        if host.isEmpty { return false }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if isIPLiteral(host) { return true }
        return extra.contains(host)
    }

    /// The host of an authority (`name:8750`, `[::1]:8750`), without brackets or port.
    static func hostPart(of authority: String) -> String {
        var a = Substring(authority)
        if let at = a.lastIndex(of: "@") { a = a[a.index(after: at)...] }
        if a.hasPrefix("[") {
            guard let end = a.firstIndex(of: "]") else { return String(a) }
            return String(a[a.index(after: a.startIndex)..<end])
        }
        if let colon = a.lastIndex(of: ":") { return String(a[..<colon]) }
        return String(a)
    }

    /// Lower case, without a trailing dot.
    static func normalizedHost(_ host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        while h.hasSuffix(".") { h.removeLast() }
        return h
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// An origin's parts: `text` is `scheme://host[:port]` in lower case, `authority` the host
    /// (normalised) and explicit port.
    static func origin(_ text: String) -> (text: String, host: String, authority: String)? {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let rawHost = url.host, !rawHost.isEmpty else { return nil }
        let host = normalizedHost(rawHost)
        let port = url.port.map { ":\($0)" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return ("\(scheme)://\(shownHost)\(port)", host, "\(host)\(port)")
    }

    /// Whether a text is a web origin (`scheme://host[:port]`, no path).
    /// - Parameter text: the text.
    public static func isOrigin(_ text: String) -> Bool {
        guard origin(text) != nil, let url = URL(string: text) else { return false }
        return url.path.isEmpty || url.path == "/"
    }

    static func machineName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(cString: buffer)
        return name.isEmpty ? nil : normalizedHost(name)
    }
}

extension HTTPTypes.HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
