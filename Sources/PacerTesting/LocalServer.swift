import Hummingbird
import Logging

/// A Hummingbird server of a test double on `127.0.0.1` and a free port, answering with
/// `answer`: the port once it listens, and the task that runs it (cancel it to stop).
/// - Parameters:
///   - label: the logger's label (the server logs nothing below critical).
///   - answer: the responder.
/// - Returns: the port and the server task, or `nil` when it did not start listening.
func startLocalServer(
    label: String, answer: @escaping @Sendable (Request) async throws -> Response
) async -> (port: Int, server: Task<Void, Never>)? {
    let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
        responder: CallbackResponder<BasicRequestContext> { request, _ in try await answer(request) },
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        },
        logger: logger)
    let server = Task {
        do { try await app.run() } catch {}
        portSink.finish()
    }
    for await port in ports where port > 0 { return (port, server) }
    server.cancel()
    await server.value
    return nil
}
