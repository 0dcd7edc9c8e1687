import AsyncHTTPClient
import Foundation
import Logging
import MCP
import PacerCore
import Synchronization

/// One open connection to an MCP server: the SDK client over a child process (`stdio`) or
/// the streamable HTTP transport, the server's tool list (read once, again after the server
/// says it changed), and whether the server is still there.
///
/// When the transport ends (the child exits, the HTTP session is gone) every request in
/// flight fails at once with ``MCPFailure/stopped(_:_:)`` naming the exit status or signal,
/// and the connection stays stopped; the hub opens a new one.
actor MCPConnection {
    /// The server.
    let spec: MCPServerSpec
    /// The child's process id (`stdio`).
    nonisolated let pid: Int32?
    private let client: Client
    private let transport: any Transport
    private let child: MCPChildProcess?
    private let logger: Logger
    private var toolList: [Tool]?
    private var ending: Task<String, Never>?
    private var closed = false
    private var closing: Task<Void, Never>?
    private var waiters: [Int: @Sendable (any Error) -> Void] = [:]
    private var nextWaiter = 0

    private init(spec: MCPServerSpec, client: Client, transport: any Transport, child: MCPChildProcess?, logger: Logger) {
        self.spec = spec
        self.client = client
        self.transport = transport
        self.child = child
        self.pid = child?.pid
        self.logger = logger
    }

    /// Starts the server (or reaches it), completes the MCP handshake and reads its tools,
    /// all within the server's timeout.
    /// - Parameters:
    ///   - spec: the server.
    ///   - environment: `pacer serve`'s environment (a child's `PATH` and base variables,
    ///     `headers_from_env`).
    ///   - httpClient: the HTTP client of `http` servers.
    ///   - logger: where starts and stops are logged.
    /// - Throws: ``MCPFailure`` (`unavailable`) saying why.
    static func open(_ spec: MCPServerSpec, environment: [String: String], httpClient: HTTPClient?,
                     logger: Logger) async throws(MCPFailure) -> MCPConnection {
        var sdkLogger = Logger(label: "pacer.mcp.sdk")
        sdkLogger.logLevel = .critical
        let ended = MCPEndSignal()
        let transport: any Transport
        var child: MCPChildProcess?
        switch spec.transport {
        case .stdio:
            let (messages, sink) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
            let started = try MCPChildProcess(spec: spec, environment: environment, onLine: { sink.yield($0) }, onEnd: {
                sink.finish(throwing: MCPTransportClosed(reason: "the server's output ended"))
                ended.fire(nil)
            })
            child = started
            transport = MCPStdioTransport(child: started, messages: messages, sink: sink, logger: sdkLogger)
        case .http:
            guard let httpClient else { throw .unavailable(spec.name, "no HTTP client") }
            var headers = spec.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            for (header, variable) in spec.headersFromEnv.sorted(by: { $0.key < $1.key }) {
                guard let value = environment[variable], !value.isEmpty else {
                    throw .unavailable(spec.name, "headers_from_env.\(header): the environment variable \(variable) is not set")
                }
                headers.append((header, value))
            }
            transport = MCPHTTPTransport(url: spec.url ?? "", headers: headers, client: httpClient,
                                         timeout: spec.timeoutSeconds + 10, logger: sdkLogger,
                                         onEnd: { ended.fire($0) })
        }
        let connection = MCPConnection(spec: spec, client: Client(name: "pacer", version: "1.0"), transport: transport,
                                       child: child, logger: logger)
        ended.attach { reason in Task { await connection.transportEnded(reason) } }
        do {
            try await connection.start()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// The handshake and the first tool list.
    private func start() async throws(MCPFailure) {
        let client = self.client, transport = self.transport
        do {
            _ = try await bounded("initialize") { try await client.connect(transport: transport) }
            await client.onNotification(ToolListChangedNotification.self) { [weak self] _ in await self?.forgetTools() }
            _ = try await tools()
        } catch {
            if let ending { throw .unavailable(spec.name, "it stopped while starting (\(await ending.value))") }
            throw .unavailable(spec.name, error.mcpDescription)
        }
        logger.info("MCP server connected", metadata: [
            "server": "\(spec.name)", "transport": "\(spec.transport.rawValue)", "tools": "\(toolList?.count ?? 0)",
            "pid": "\(pid.map(String.init) ?? "-")"])
    }

    /// Whether the transport ended (or the connection was closed): it cannot be used again.
    var isStopped: Bool { ending != nil || closed }

    /// The server's tools, read once per connection (and again after it says they changed).
    /// - Throws: ``MCPFailure`` when the server cannot list them.
    func tools() async throws(MCPFailure) -> [Tool] {
        if let toolList { return toolList }
        let client = self.client
        var all: [Tool] = []
        var cursor: String?
        repeat {
            let page = try await bounded("tools/list") { [cursor] in try await client.listTools(cursor: cursor) }
            all += page.tools
            cursor = page.nextCursor
        } while cursor != nil && all.count < 10_000
        toolList = all
        return all
    }

    /// Calls a tool, within the server's timeout.
    /// - Parameters:
    ///   - name: the tool's name on the server.
    ///   - arguments: the arguments (a JSON object).
    /// - Throws: ``MCPFailure``: `stopped` when the server went away, `timeout`, or the
    ///   server's error.
    func call(_ name: String, arguments: JSONValue) async throws(MCPFailure) -> CallTool.Result {
        let argumentValues: [String: Value]? = if case .object(let o) = arguments { o.mapValues(MCPValues.value) } else { nil }
        let client = self.client
        let what = "tools/call \(name)"
        if isStopped { throw await stoppedFailure() }
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.send(CallTool.request(.init(name: name, arguments: argumentValues)))
        } catch {
            throw await failure(error, what)
        }
        do {
            return try await bounded(what) { try await context.value }
        } catch {
            if error.code == .timeout || error.code == .cancelled {
                Task { try? await client.cancelRequest(context.requestID, reason: error.message) }
            }
            throw error
        }
    }

    /// Closes the connection: requests in flight fail, the session ends, and a child gets
    /// SIGTERM and, 2 s later, SIGKILL. Returns once the child is gone.
    func close() async {
        if let closing { return await closing.value }
        closed = true
        failWaiters(MCPFailure.shutDown(spec.name))
        let client = self.client, transport = self.transport, child = self.child
        let wasRunning = ending == nil, logger = self.logger, name = spec.name
        let task = Task {
            // The SDK client waits for its receive loop, which ends with the transport's stream.
            let disconnect = Task {
                await transport.disconnect()
                await client.disconnect()
            }
            await child?.terminate()
            _ = await MCPOutcome<Void>().runQuietly(seconds: 3) { await disconnect.value }
            if wasRunning { logger.info("MCP server disconnected", metadata: ["server": "\(name)"]) }
        }
        closing = task
        await task.value
    }

    // MARK: Internals

    /// The transport ended by itself: every request in flight fails now; the SDK client is
    /// disconnected so its pending requests end too.
    private func transportEnded(_ reason: String?) {
        guard ending == nil else { return }
        let child = self.child, client = self.client
        let task = Task<String, Never> {
            if let reason { return reason }
            return await child?.exitDescription() ?? "the connection ended"
        }
        ending = task
        failWaiters(MCPTransportClosed(reason: "stopped"))
        Task {
            let reason = await task.value
            await client.disconnect()
            if !self.closed {
                self.logger.warning("MCP server stopped", metadata: ["server": "\(self.spec.name)", "reason": "\(reason)"])
            }
        }
    }

    private func forgetTools() { toolList = nil }

    /// The failure to report for a stopped connection: how it stopped.
    func stoppedFailure() async -> MCPFailure {
        if let ending { return .stopped(spec.name, await ending.value) }
        return .shutDown(spec.name)
    }

    /// What an error of a request means: the server stopped, or answered with an error.
    private func failure(_ error: any Error, _ what: String) async -> MCPFailure {
        if let failure = error as? MCPFailure, failure.code != .protocolError { return failure }
        // A write to a child that is gone fails before its end is noticed; an HTTP transport
        // that ended tells why.
        if let closed = error as? MCPTransportClosed, !isStopped { transportEnded(child == nil ? closed.reason : nil) }
        if isStopped { return await stoppedFailure() }
        if let failure = error as? MCPFailure { return failure }
        if error is CancellationError || Task.isCancelled { return .cancelled(spec.name, what) }
        return .protocolError(spec.name, what, error.mcpDescription)
    }

    /// Runs one request within the server's timeout; the connection's end fails it at once.
    private func bounded<T: Sendable>(_ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws(MCPFailure) -> T {
        let outcome = MCPOutcome<T>()
        let id = nextWaiter
        nextWaiter += 1
        waiters[id] = { outcome.settle(.failure($0)) }
        defer { waiters[id] = nil }
        if isStopped { outcome.settle(.failure(MCPTransportClosed(reason: "stopped"))) }
        let server = spec.name, seconds = spec.timeoutSeconds
        do {
            return try await outcome.run(seconds: seconds, operation, onTimeout: { MCPFailure.timeout(server, what, seconds: seconds) })
        } catch {
            throw await failure(error, what)
        }
    }

    private func failWaiters(_ error: any Error) {
        let all = waiters.values
        waiters = [:]
        for fail in all { fail(error) }
    }
}

/// The end of a connection's transport, fired from a reader thread or the HTTP transport
/// before the connection exists, or after: the handler runs once, whichever comes last.
final class MCPEndSignal: Sendable {
    private struct State {
        var fired: String??
        var handler: (@Sendable (String?) -> Void)?
    }

    private let state = Mutex(State())

    /// The transport ended; `reason` is `nil` when the process status tells it.
    func fire(_ reason: String?) {
        let handler: (@Sendable (String?) -> Void)? = state.withLock { s in
            guard s.fired == nil else { return nil }
            s.fired = .some(reason)
            return s.handler
        }
        handler?(reason)
    }

    /// Sets the handler; runs it at once when the end came already.
    func attach(_ handler: @escaping @Sendable (String?) -> Void) {
        let fired: String?? = state.withLock { s in
            s.handler = handler
            return s.fired
        }
        if let fired { handler(fired) }
    }
}

extension MCPOutcome where Value == Void {
    /// Waits for `operation` at most `seconds`, ignoring how it ends.
    func runQuietly(seconds: Double, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
        (try? await run(seconds: seconds, { await operation() }, onTimeout: { CancellationError() })) != nil
    }
}

extension Error {
    /// The error in words: an MCP error's description, a JSON-RPC error's message.
    var mcpDescription: String {
        switch self {
        case let failure as MCPFailure: return failure.message
        case let closed as MCPTransportClosed: return closed.reason
        case let status as MCPHTTPStatus: return status.description
        case let mcp as MCPError: return mcp.errorDescription ?? "\(mcp)"
        default: return "\(self)"
        }
    }
}
