import Foundation
import Hummingbird
import Logging
import PacerCore

/// A real HTTP server on `127.0.0.1` and a free port that plays a chat model: it speaks both
/// the OpenAI Chat Completions (`POST /v1/chat/completions`) and the Anthropic Messages
/// (`POST /v1/messages`) wire formats, answers each call with the next scripted reply rendered
/// in the request's format, and records every call.
///
/// One FIFO queue serves both formats. When it is empty the server answers `418` with
/// `scripted model server: no reply queued`, an error no provider retries, so a test that
/// scripted too few replies fails at once. Other paths answer `404`.
///
/// ```swift
/// try await withScriptedModelServer { server in
///     await server.enqueue(.toolCalls([ScriptedToolCall(name: "now", arguments: [:])]), .text("Done."))
///     ... // point an OpenAI agent at server.openAIBaseURL, an Anthropic one at server.anthropicBaseURL
///     let calls = try await server.waitForCalls(2)
/// }
/// ```
public final class ScriptedModelServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let state: ScriptedModelState
    private let server: Task<Void, Never>

    private init(port: Int, state: ScriptedModelState, server: Task<Void, Never>) {
        self.port = port
        self.state = state
        self.server = server
    }

    /// Starts a server and returns once it listens.
    /// - Throws: when the server cannot start.
    public static func start() async throws -> ScriptedModelServer {
        let state = ScriptedModelState()
        guard let started = await startLocalServer(label: "pacer.testing.scripted-model-server", answer: { try await answer($0, from: state) }) else {
            throw ScriptedModelServerError(message: "the scripted model server did not start listening")
        }
        return ScriptedModelServer(port: started.port, state: state, server: started.server)
    }

    /// Stops the server; calls in flight are dropped.
    public func stop() async {
        server.cancel()
        await server.value
    }

    /// The base URL of an OpenAI-compatible agent: `http://127.0.0.1:<port>/v1`.
    public var openAIBaseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// The base URL of an Anthropic agent: `http://127.0.0.1:<port>`.
    public var anthropicBaseURL: String { "http://127.0.0.1:\(port)" }

    /// Queues replies, used in order by the next calls of either format.
    /// - Parameter replies: the replies.
    public func enqueue(_ replies: ScriptedReply...) async {
        await state.enqueue(replies)
    }

    /// Queues replies, used in order by the next calls of either format.
    /// - Parameter replies: the replies.
    public func enqueue(_ replies: [ScriptedReply]) async {
        await state.enqueue(replies)
    }

    /// Every call received so far, oldest first (also those answered `418`).
    public var calls: [ModelCall] {
        get async { await state.calls }
    }

    /// How many queued replies are not used yet.
    public var pending: Int {
        get async { await state.pending }
    }

    /// Waits until at least `count` calls have arrived.
    /// - Parameters:
    ///   - count: how many.
    ///   - timeout: the longest to wait, in seconds.
    /// - Returns: the calls received.
    /// - Throws: ``ScriptedModelServerError`` when they do not arrive in time.
    @discardableResult
    public func waitForCalls(_ count: Int, timeout: Double = 10) async throws -> [ModelCall] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while true {
            let received = await state.calls
            if received.count >= count { return received }
            if ContinuousClock.now >= deadline {
                throw ScriptedModelServerError(message: "expected \(count) model calls within \(timeout) s, got \(received.count)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Records a call and writes its scripted answer.
    private static func answer(_ request: Request, from state: ScriptedModelState) async throws -> Response {
        let path = request.uri.path
        let format: ModelCall.Format
        switch (request.method, path) {
        case (.post, "/v1/chat/completions"): format = .openai
        case (.post, "/v1/messages"): format = .anthropic
        default:
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "scripted model server: no endpoint \(request.method.rawValue) \(path)")))
        }
        var request = request
        let bytes = try await request.collectBody(upTo: 64 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.rawName.lowercased()
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let call = ModelCall(format: format, path: path, headers: headers,
                             body: (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null,
                             bodyText: String(decoding: data, as: UTF8.self))
        let script = await state.receive(call)
        if script.delay > 0 { try await Task.sleep(for: .milliseconds(Int64(script.delay * 1000))) }
        var fields = HTTPFields()
        for (name, value) in script.headers.sorted(by: { $0.key < $1.key }) {
            fields[.init(name)!] = value  // a test scripts valid header names
        }
        return Response(status: .init(code: script.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: script.body)))
    }
}

/// Why a ``ScriptedModelServer`` call failed.
public struct ScriptedModelServerError: Error, Sendable, CustomStringConvertible {
    /// What happened.
    public var message: String
    public var description: String { message }
}

/// Runs `body` with a started ``ScriptedModelServer`` and stops it afterwards, also when `body`
/// throws.
/// - Parameter body: the test.
public func withScriptedModelServer<T: Sendable>(_ body: (ScriptedModelServer) async throws -> T) async throws -> T {
    let server = try await ScriptedModelServer.start()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}
