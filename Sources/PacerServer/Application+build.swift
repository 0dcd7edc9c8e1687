import Foundation
import Hummingbird
import Logging
import Metrics
import PacerCore
import PacerEngine
import PacerStore
import Prometheus

/// Where the HTTP server listens.
public struct ServerConfiguration: Sendable {
    /// Host to bind (loopback by default).
    public var host: String
    /// Port (8750 by default; 0 picks a free one).
    public var port: Int
    /// The URL people reach the server at, when it is not its bind address (`--public-url`):
    /// its host is accepted in `Host`, its origin in `Origin`.
    public var publicURL: String?
    /// Further web origins allowed to call the API (`--allowed-origin`).
    public var allowedOrigins: [String]

    /// - Parameters:
    ///   - host: host to bind.
    ///   - port: port.
    ///   - publicURL: the URL people reach it at.
    ///   - allowedOrigins: further origins allowed to call it.
    public init(host: String = "127.0.0.1", port: Int = 8750, publicURL: String? = nil, allowedOrigins: [String] = []) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.allowedOrigins = allowedOrigins
    }
}

/// The metrics registry `/metrics` exports. Call ``bootstrap()`` once per process, before
/// the engine creates its metrics.
public enum PacerMetrics {
    /// The registry the factory writes to.
    public static let registry = PrometheusCollectorRegistry()

    /// Installs Prometheus as the swift-metrics backend, with lateness buckets fine enough to
    /// see milliseconds.
    public static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["pacer_fire_lateness_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(5), .seconds(30), .seconds(60),
        ]
        factory.durationHistogramBuckets["pacer_run_duration_seconds"] = [
            .milliseconds(10), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15),
            .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        MetricsSystem.bootstrap(factory)
    }
}

/// Builds Pacer's HTTP application: the REST API under `/v1` with `/openapi.json`, the
/// dashboard at `/`, `/healthz` and `/metrics`. `pacer serve` and the tests build it the same
/// way.
/// - Parameters:
///   - configuration: where to listen.
///   - services: the store, engine and clock the API uses.
///   - registry: the metrics registry `/metrics` exports.
///   - logger: the server's logger.
///   - onServerRunning: called with the bound port once the server listens.
public func buildApplication(
    configuration: ServerConfiguration, services: APIServices, registry: PrometheusCollectorRegistry,
    logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(services: services, registry: registry, loopback: configuration.isLoopback,
                            guard: BrowserGuard(configuration)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Pacer"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router of the application (in-process API tests drive it directly).
/// - Parameters:
///   - services: the store, engine and clock.
///   - registry: the metrics registry.
///   - loopback: whether the server is bound to loopback only (a server without tokens then
///     serves local callers; otherwise it refuses every API request).
///   - guard: the browser-facing defences (Host, Origin, Content-Type, response headers).
public func buildRouter(services: APIServices, registry: PrometheusCollectorRegistry, loopback: Bool = true,
                        guard browserGuard: BrowserGuard = BrowserGuard()) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    router.add(middleware: browserGuard)
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: AuthMiddleware(store: services.store, loopback: loopback, clock: services.clock))
    let routes = API.routes(services)
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes, extra: [("/healthz", .get), ("/healthz/live", .get), ("/metrics", .get), ("/openapi.json", .get)]))
    Health.register(on: router, services: services)
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: MetricsText.withHelp(String(decoding: registry.emitToBuffer(), as: UTF8.self)))))
    }
    let document = API.document(services)
    router.get("/openapi.json") { _, _ -> Response in try jsonResponse(document) }
    router.add(routes)
    MCPEndpoint.register(on: router, services: services)
    Dashboard.register(on: router)
    return router
}
