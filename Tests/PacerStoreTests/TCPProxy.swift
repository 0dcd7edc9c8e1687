import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback TCP proxy in front of a server, for outage tests: `cut()` closes every
/// connection and stops listening (connections are refused, as when the server is down),
/// `restore()` listens again on the same port.
final class TCPProxy: Sendable {
    let port: Int
    private let targetHost: String
    private let targetPort: Int
    private let state = NIOLockedValueBox<(server: (any Channel)?, channels: [any Channel])>((nil, []))

    init(to host: String, port: Int) async throws {
        targetHost = host
        targetPort = port
        let listening = try await Self.listen(port: 0, to: host, targetPort: port, state: state)
        self.port = listening.localAddress?.port ?? 0
        state.withLockedValue { $0.server = listening }
    }

    func cut() async throws {
        let (server, channels) = state.withLockedValue { s in
            defer { s = (nil, []) }
            return (s.server, s.channels)
        }
        try? await server?.close()
        for c in channels { try? await c.close() }
    }

    func restore() async throws {
        let listening = try await Self.listen(port: port, to: targetHost, targetPort: targetPort, state: state)
        state.withLockedValue { $0.server = listening }
    }

    private static func listen(port: Int, to host: String, targetPort: Int,
                               state: NIOLockedValueBox<(server: (any Channel)?, channels: [any Channel])>) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                ClientBootstrap(group: child.eventLoop)
                    .connect(host: host, port: targetPort)
                    .flatMapThrowing { upstream in
                        state.withLockedValue { $0.channels += [child, upstream] }
                        try upstream.pipeline.syncOperations.addHandler(Relay(peer: child))
                        try child.pipeline.syncOperations.addHandler(Relay(peer: upstream))
                    }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }
}

/// Passes what one side reads to the other, and closes the other when one side closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let peer: any Channel
    init(peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
