import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// The SDK transport of a `stdio` server: messages go to the child's standard input, and
/// come from its standard output (read by ``MCPChildProcess``).
///
/// The stream of received messages ends with an error, never plainly: the SDK client's
/// receive loop would otherwise spin on the finished stream.
actor MCPStdioTransport: Transport {
    nonisolated let logger: Logger
    private let child: MCPChildProcess
    private let messages: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation

    /// - Parameters:
    ///   - child: the running child.
    ///   - messages: its output lines, as fed by the child's reader.
    ///   - sink: where they are fed (finished when the transport disconnects).
    ///   - logger: the SDK client's logger.
    init(child: MCPChildProcess, messages: AsyncThrowingStream<Data, any Error>,
         sink: AsyncThrowingStream<Data, any Error>.Continuation, logger: Logger) {
        self.child = child
        self.messages = messages
        self.sink = sink
        self.logger = logger
    }

    func connect() async throws {}

    func disconnect() async {
        sink.finish(throwing: MCPTransportClosed(reason: "disconnected"))
        child.closeInput()
    }

    func send(_ data: Data) async throws {
        try child.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }
}

/// An HTTP answer other than 2xx to a message sent to an `http` server.
struct MCPHTTPStatus: Error, Sendable, CustomStringConvertible {
    /// The status code.
    var status: Int
    /// The start of the body.
    var body: String
    var description: String { "HTTP \(status)" + (body.isEmpty ? "" : ": \(body)") }
}

/// The MCP streamable HTTP transport over AsyncHTTPClient: each JSON-RPC message is POSTed
/// to the server's URL, which answers `202` (a notification or response taken), a JSON body,
/// or a server-sent event stream of messages. The `Mcp-Session-Id` the server assigns is sent
/// back with every later request, and a `DELETE` ends the session on disconnect.
///
/// A failure to reach the server, or a `404` for the session, ends the transport: `onEnd`
/// gets the reason and the connection is treated as stopped.
actor MCPHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let url: String
    private let headers: [(String, String)]
    private let client: HTTPClient
    private let timeout: Double
    private let onEnd: @Sendable (String) -> Void
    private let messages: AsyncThrowingStream<Data, any Error>
    private let sink: AsyncThrowingStream<Data, any Error>.Continuation
    private var sessionID: String?
    private var protocolVersion: String?
    private var ended = false

    /// Most bytes of one JSON answer or one event.
    static let maxMessageBytes = 16 * 1024 * 1024

    /// - Parameters:
    ///   - url: the endpoint.
    ///   - headers: headers for every request (secret ones already read from the environment).
    ///   - client: the HTTP client.
    ///   - timeout: seconds one exchange may take, its body included.
    ///   - logger: the SDK client's logger.
    ///   - onEnd: called once when the transport ends by itself, with the reason.
    init(url: String, headers: [(String, String)], client: HTTPClient, timeout: Double, logger: Logger,
         onEnd: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.headers = headers
        self.client = client
        self.timeout = timeout
        self.logger = logger
        self.onEnd = onEnd
        (messages, sink) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
    }

    func connect() async throws {}

    func disconnect() async {
        guard !ended else { return }
        ended = true
        sink.finish(throwing: MCPTransportClosed(reason: "disconnected"))
        guard let sessionID else { return }
        var request = HTTPClientRequest(url: url)
        request.method = .DELETE
        request.headers.add(name: "mcp-session-id", value: sessionID)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let response = try? await client.execute(request, timeout: .seconds(2)) {
            _ = try? await Self.collect(response.body, limit: 1024)
        }
    }

    func send(_ data: Data) async throws {
        guard !ended else { throw MCPTransportClosed(reason: "the HTTP session ended") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json, text/event-stream")
        request.headers.add(name: "user-agent", value: "Pacer")
        if let sessionID { request.headers.add(name: "mcp-session-id", value: sessionID) }
        if let protocolVersion { request.headers.add(name: "mcp-protocol-version", value: protocolVersion) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes([UInt8](data))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw end("cannot reach \(url): \(error)")
        }
        if let assigned = response.headers.first(name: "mcp-session-id") { sessionID = assigned }
        let status = Int(response.status.code)
        if status == 404, sessionID != nil { throw end("the server ended the HTTP session (HTTP 404)") }
        guard (200..<300).contains(status) else {
            let body = (try? await Self.collect(response.body, limit: 2048)) ?? Data()
            throw MCPHTTPStatus(status: status, body: String(decoding: body, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let type = response.headers.first(name: "content-type")?.lowercased() ?? ""
        do {
            if type.hasPrefix("text/event-stream") {
                var parser = ServerSentEvents()
                for try await chunk in response.body {
                    for message in parser.feed(chunk.readableBytesView) { deliver(message) }
                }
                for message in parser.finish() { deliver(message) }
            } else {
                let body = try await Self.collect(response.body, limit: Self.maxMessageBytes)
                if type.contains("json"), !body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 }) { deliver(body) }
            }
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw end("the answer from \(url) broke off: \(error)")
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// Hands a message to the client, noting the protocol version the handshake agreed on.
    private func deliver(_ message: Data) {
        if protocolVersion == nil, message.count < 65_536,
           let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
           let result = object["result"] as? [String: Any], result["serverInfo"] != nil,
           let version = result["protocolVersion"] as? String {
            protocolVersion = version
        }
        sink.yield(message)
    }

    /// Ends the transport by itself: the client's stream finishes and the owner learns why.
    private func end(_ reason: String) -> MCPTransportClosed {
        if !ended {
            ended = true
            sink.finish(throwing: MCPTransportClosed(reason: reason))
            onEnd(reason)
        }
        return MCPTransportClosed(reason: reason)
    }

    private static func collect(_ body: HTTPClientResponse.Body, limit: Int) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(contentsOf: chunk.readableBytesView.prefix(limit - data.count))
            if data.count >= limit { break }
        }
        return data
    }
}

/// A parser of `text/event-stream` bodies: the `data` of each `message` event (or event
/// without a type) is one JSON-RPC message.
struct ServerSentEvents {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event = ""

    /// Feeds bytes; returns the messages completed by them.
    /// - Parameter bytes: the next bytes of the body.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Data] where Bytes.Element == UInt8 {
        var out: [Data] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if let message = take(line) { out.append(message) }
                line.removeAll(keepingCapacity: true)
            } else if line.count < MCPHTTPTransport.maxMessageBytes {
                line.append(byte)
            }
        }
        return out
    }

    /// The last message of a body that ended without a blank line.
    mutating func finish() -> [Data] {
        var out: [Data] = []
        if !line.isEmpty, let message = take(line) { out.append(message) }
        line.removeAll()
        if let message = take([]) { out.append(message) }
        return out
    }

    /// One line: a field, a comment, or the blank line that dispatches the event.
    private mutating func take(_ line: [UInt8]) -> Data? {
        if line.isEmpty {
            defer {
                data.removeAll(keepingCapacity: true)
                hasData = false
                event = ""
            }
            guard hasData, event.isEmpty || event == "message" else { return nil }
            return Data(data)
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            event = String(decoding: value, as: UTF8.self)
        default:
            break
        }
        return nil
    }
}
