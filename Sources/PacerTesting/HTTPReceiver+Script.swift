import Foundation
import Hummingbird

/// One request an ``HTTPReceiver`` received.
public struct ReceivedRequest: Sendable {
    /// The method, upper case (`POST`).
    public var method: String
    /// The path, without the query (`/hooks/a`).
    public var path: String
    /// The query, without `?`, if any.
    public var query: String?
    /// Every header, in the order received, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// - Parameters:
    ///   - method: the method.
    ///   - path: the path.
    ///   - query: the query.
    ///   - headers: the headers.
    ///   - body: the body.
    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [],
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    /// - Parameter name: the header name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (`[String: Any]`, `[Any]`, ...), or `nil` when it is not JSON.
    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
}

/// What an ``HTTPReceiver`` answers to one request.
public struct ScriptedResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Response headers.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]
    /// How long to wait before answering at all (a slow server).
    public var delay: Duration?
    /// How long to wait after sending the status and headers before sending the body (a slow
    /// body).
    public var bodyDelay: Duration?

    /// - Parameters:
    ///   - status: the status code (200 by default).
    ///   - headers: response headers.
    ///   - body: the body text.
    ///   - delay: wait before answering.
    ///   - bodyDelay: wait between the headers and the body.
    public init(status: Int = 200, headers: [String: String] = [:], body: String = "", delay: Duration? = nil,
                bodyDelay: Duration? = nil) {
        self.status = status
        self.headers = headers
        self.body = Array(body.utf8)
        self.delay = delay
        self.bodyDelay = bodyDelay
    }

    /// `200 OK` with a body.
    /// - Parameter body: the body text.
    public static func ok(_ body: String = "") -> ScriptedResponse { ScriptedResponse(body: body) }

    /// A JSON answer.
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - status: the status code.
    public static func json(_ text: String, status: Int = 200) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: ["Content-Type": "application/json"], body: text)
    }
}

/// Decides the answer to each request: a queue of one-off answers first, then a standing
/// responder.
typealias Responder = @Sendable (ReceivedRequest) async -> ScriptedResponse

/// The receiver's mutable state.
actor HTTPReceiverState {
    private(set) var requests: [ReceivedRequest] = []
    private var queued: [ScriptedResponse] = []
    private var responder: Responder

    init(responder: @escaping Responder) {
        self.responder = responder
    }

    func setResponder(_ responder: @escaping Responder) { self.responder = responder }

    func enqueue(_ responses: [ScriptedResponse]) { queued += responses }

    func reset() {
        requests = []
        queued = []
    }

    /// Records a request and picks its answer.
    func receive(_ request: ReceivedRequest) async -> ScriptedResponse {
        requests.append(request)
        if !queued.isEmpty { return queued.removeFirst() }
        return await responder(request)
    }
}
