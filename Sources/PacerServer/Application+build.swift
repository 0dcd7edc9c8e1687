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

    /// - Parameters:
    ///   - host: host to bind.
    ///   - port: port.
    public init(host: String = "127.0.0.1", port: Int = 8750) {
        self.host = host
        self.port = port
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

/// Builds Pacer's HTTP application: `/healthz` and `/metrics` now; the REST API and the
/// dashboard join it later. `pacer serve` and the tests build it the same way.
/// - Parameters:
///   - configuration: where to listen.
///   - store: the store, checked by `/healthz`.
///   - engine: the engine, whose runs in flight `/healthz` reports.
///   - registry: the metrics registry `/metrics` exports.
///   - logger: the server's logger.
///   - onServerRunning: called with the bound port once the server listens.
public func buildApplication(
    configuration: ServerConfiguration, store: any Store, engine: Engine?, registry: PrometheusCollectorRegistry,
    logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.get("/healthz") { _, _ -> Response in
        var body: [String: JSONValue] = ["status": .string("ok")]
        do {
            _ = try await store.lastEventSequence()
            body["database"] = .string("ok")
        } catch {
            body["status"] = .string("degraded")
            body["database"] = .string("unreachable: \(error)")
        }
        if let engine { body["runs_in_flight"] = .number(Double(await engine.inFlight)) }
        let data = (try? PacerJSON.encoder.encode(JSONValue.object(body))) ?? Data()
        let status: HTTPResponse.Status = body["status"] == .string("ok") ? .ok : .serviceUnavailable
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Pacer"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
