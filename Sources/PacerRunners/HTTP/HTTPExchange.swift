import AsyncHTTPClient
import NIOCore
import Foundation
import NIOHTTP1

/// One HTTP request and the start of its answer: the plumbing the HTTP runner, the HTTP item
/// source and the HTTP deliveries share.
struct HTTPExchange: Sendable {
    /// What the far end answered.
    struct Answer: Sendable {
        /// The status code.
        var status: Int
        /// The response headers, names as sent.
        var headers: [(name: String, value: String)]
        /// The start of the body, at most the limit asked for.
        var body: [UInt8]
        /// Whether the body was longer than the limit.
        var truncated: Bool

        /// The first value of a header, by case-insensitive name.
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body as text (invalid UTF-8 replaced).
        var text: String { String(decoding: body, as: UTF8.self) }

        /// `HTTP 503 Service Unavailable`.
        var statusLine: String { HTTPExchange.statusLine(status) }
    }

    /// The value every request sends as `User-Agent` unless the schedule sets one.
    static let userAgent = "Pacer"

    var method: String
    var url: String
    /// Headers in the order they are added; a later one replaces an earlier one of the same name.
    var headers: [(String, String)] = []
    var body: [UInt8]?
    /// Names of headers whose values are secrets: sent only to the request's own origin.
    var secretHeaders: Set<String> = []

    /// The most redirects followed.
    static let maxRedirects = 5

    /// Adds or replaces a secret header: it is never sent to another origin after a redirect.
    mutating func setSecret(_ name: String, _ value: String) {
        set(name, value)
        secretHeaders.insert(name.lowercased())
    }

    /// Adds or replaces a header (names compare case-insensitively).
    mutating func set(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }

    /// Whether a header is set.
    func has(_ name: String) -> Bool {
        headers.contains { $0.0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Sends the request and reads at most `maxBodyBytes` of the answer's body.
    /// - Parameters:
    ///   - client: the HTTP client.
    ///   - timeout: the whole exchange's deadline, from now.
    ///   - maxBodyBytes: most body bytes kept; the rest is not read.
    /// - Throws: the client's error (network, deadline, cancellation, bad URL).
    func send(with client: HTTPClient, timeout: Duration, maxBodyBytes: Int) async throws -> Answer {
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(timeout))
        var current = self
        var seen: Set<String> = [url]
        for _ in 0...Self.maxRedirects {
            let response = try await client.execute(current.request(), deadline: deadline)
            if let next = current.following(Int(response.status.code), location: response.headers.first(name: "Location")) {
                guard seen.insert(next.url).inserted else { throw HTTPClientError.redirectCycleDetected }
                current = next
                continue
            }
            var kept: [UInt8] = []
            var truncated = false
            for try await chunk in response.body {
                let room = maxBodyBytes - kept.count
                if chunk.readableBytes > room {
                    kept.append(contentsOf: chunk.readableBytesView.prefix(room))
                    truncated = true
                    break
                }
                kept.append(contentsOf: chunk.readableBytesView)
            }
            return Answer(status: Int(response.status.code),
                          headers: response.headers.map { (name: $0.name, value: $0.value) },
                          body: kept, truncated: truncated)
        }
        throw HTTPClientError.redirectLimitReached
    }

    /// The request as the client sends it.
    func request() -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if !has("User-Agent") { request.headers.add(name: "User-Agent", value: Self.userAgent) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        return request
    }

    /// The request a redirect asks for, or `nil` when `status` is no redirect: 303 (and 301 or
    /// 302 after a POST) become a GET without a body; to another origin (scheme, host, port),
    /// secret headers and credentials are dropped.
    func following(_ status: Int, location: String?) -> HTTPExchange? {
        guard [301, 302, 303, 307, 308].contains(status), let location, let base = URL(string: url),
              let target = URL(string: location, relativeTo: base)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        var next = self
        next.url = target.absoluteString
        if status == 303 || ((status == 301 || status == 302) && method == "POST") {
            next.method = "GET"
            next.body = nil
            next.headers.removeAll { $0.0.caseInsensitiveCompare("Content-Type") == .orderedSame }
        }
        if Self.origin(base) != Self.origin(target) {
            let dropped = secretHeaders.union(["authorization", "cookie", "proxy-authorization"])
            next.headers.removeAll { dropped.contains($0.0.lowercased()) }
            next.secretHeaders = []
        }
        return next
    }

    static func origin(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s >= Int64.max / 1_000_000_000 ? Int64.max : s * 1_000_000_000 + atto / 1_000_000_000
    }

    /// `HTTP 503 Service Unavailable` (the standard reason phrase, or just the code).
    static func statusLine(_ status: Int) -> String {
        let phrase = reasonPhrases[status]
        return phrase.map { "HTTP \(status) \($0)" } ?? "HTTP \(status)"
    }

    private static let reasonPhrases: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
        408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
        413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
        417: "Expectation Failed", 421: "Misdirected Request", 422: "Unprocessable Content", 423: "Locked",
        424: "Failed Dependency", 425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required",
        429: "Too Many Requests", 431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
        508: "Loop Detected", 511: "Network Authentication Required",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect",
    ]
}
