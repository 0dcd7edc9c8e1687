import Foundation
import Hummingbird
import Logging

/// A real HTTP server on `127.0.0.1` and a free port, for tests that need the far end of a
/// webhook, an HTTP target, an item source or a chat API.
///
/// It records every request (method, path, headers, body) and answers from a script: queued
/// one-off answers first (``enqueue(_:)``), then a standing responder (``respond(with:)``),
/// `200 OK` with an empty body by default. Answers may be delayed, before the headers or
/// between the headers and the body.
///
/// ```swift
/// let receiver = try await HTTPReceiver.start()
/// await receiver.enqueue(ScriptedResponse(status: 503, headers: ["Retry-After": "7"]))
/// ... // point the code under test at receiver.url("/hook")
/// let requests = await receiver.requests
/// await receiver.stop()
/// ```
/// Or scoped, stopping on every path: `try await withHTTPReceiver { receiver in ... }`.
public final class HTTPReceiver: Sendable {
    /// The port it listens on.
    public let port: Int
    private let state: HTTPReceiverState
    private let server: Task<Void, Never>

    private init(port: Int, state: HTTPReceiverState, server: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.server = server
    }

    /// Starts a receiver and returns once it listens.
    /// - Parameter responder: the standing answer to each request not answered by a queued one.
    /// - Throws: when the server cannot start.
    public static func start(
        responder: @escaping @Sendable (ReceivedRequest) async -> ScriptedResponse = { _ in .ok() }
    ) async throws -> HTTPReceiver {
        let state = HTTPReceiverState(responder: responder)
        guard let started = await startLocalServer(label: "pacer.testing.http-receiver", answer: { try await answer($0, from: state) }) else {
            throw HTTPReceiverError(message: "the HTTP receiver did not start listening")
        }
        return HTTPReceiver(port: started.port, state: state, server: started.server)
    }

    /// Stops the server; requests in flight are dropped.
    public func stop() async {
        server.cancel()
        await server.value
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// The URL of a path on this receiver.
    /// - Parameter path: the path, starting with `/`.
    public func url(_ path: String) -> String { url + path }

    /// Every request received so far, oldest first.
    public var requests: [ReceivedRequest] {
        get async { await state.requests }
    }

    /// Sets the standing answer (after queued ones run out).
    /// - Parameter responder: picks the answer to a request.
    public func respond(with responder: @escaping @Sendable (ReceivedRequest) async -> ScriptedResponse) async {
        await state.setResponder(responder)
    }

    /// Answers every request (after queued ones run out) with the same response.
    /// - Parameter response: the answer.
    public func respond(with response: ScriptedResponse) async {
        await state.setResponder { _ in response }
    }

    /// Queues one-off answers, used in order by the next requests.
    /// - Parameter responses: the answers.
    public func enqueue(_ responses: ScriptedResponse...) async {
        await state.enqueue(responses)
    }

    /// Forgets the requests received and the queued answers.
    public func reset() async {
        await state.reset()
    }

    /// Waits until at least `count` requests have arrived.
    /// - Parameters:
    ///   - count: how many.
    ///   - timeout: the longest to wait.
    /// - Returns: the requests received.
    /// - Throws: ``HTTPReceiverError`` when they do not arrive in time.
    @discardableResult
    public func waitForRequests(count: Int, timeout: Duration = .seconds(30)) async throws -> [ReceivedRequest] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = await state.requests
            if received.count >= count { return received }
            if ContinuousClock.now >= deadline {
                throw HTTPReceiverError(message: "expected \(count) requests within \(timeout), got \(received.count)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Records a request and writes its scripted answer.
    private static func answer(_ request: Request, from state: HTTPReceiverState) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024 * 1024)
        let received = ReceivedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Array(body.readableBytesView))
        let script = await state.receive(received)
        if let delay = script.delay { try await Task.sleep(for: delay) }
        var headers = HTTPFields()
        for (name, value) in script.headers.sorted(by: { $0.key < $1.key }) {
            headers[.init(name)!] = value  // a test scripts valid header names
        }
        let bytes = ByteBuffer(bytes: script.body)
        let responseBody: ResponseBody
        if let bodyDelay = script.bodyDelay {
            responseBody = ResponseBody(contentLength: bytes.readableBytes) { writer in
                try await Task.sleep(for: bodyDelay)
                try await writer.write(bytes)
                try await writer.finish(nil)
            }
        } else {
            responseBody = ResponseBody(byteBuffer: bytes)
        }
        return Response(status: .init(code: script.status), headers: headers, body: responseBody)
    }
}

/// Why an ``HTTPReceiver`` call failed.
public struct HTTPReceiverError: Error, Sendable, CustomStringConvertible {
    /// What happened.
    public var message: String
    public var description: String { message }
}

/// Runs `body` with a started receiver and stops it afterwards, also when `body` throws.
/// - Parameters:
///   - responder: the standing answer.
///   - body: the test.
public func withHTTPReceiver<T: Sendable>(
    responder: @escaping @Sendable (ReceivedRequest) async -> ScriptedResponse = { _ in .ok() },
    _ body: (HTTPReceiver) async throws -> T
) async throws -> T {
    let receiver = try await HTTPReceiver.start(responder: responder)
    do {
        let value = try await body(receiver)
        await receiver.stop()
        return value
    } catch {
        await receiver.stop()
        throw error
    }
}
