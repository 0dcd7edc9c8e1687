import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerSQLite
import PacerStore
import PacerTesting
import Prometheus
import Testing

/// An in-process API on a temporary SQLite store with a manual clock.
struct APIBench {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let clock: ManualClock
    let store: SQLiteStore
    let directory: URL
    let services: APIServices

    /// What the tests' server allows: commands, the variables the tests name, log files under
    /// the temporary directory.
    static let testPolicy = ServerPolicy(
        allowCommands: true,
        allowedEnvironment: ["ANTHROPIC_API_KEY", "TOKEN", "HOOK_TOKEN"].map { .init(name: $0) }
            + [.init(name: "PINNED_KEY", destination: "https://api.example.com/")],
        logDirectory: "/tmp")

    static func make(policy: ServerPolicy = testPolicy) throws -> APIBench {
        let clock = ManualClock(t0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("pacer.db").path, clock: clock)
        var services = APIServices(store: store, clock: clock, publicURL: "http://pacer.test", policy: policy)
        // Health checks here judge what the store says, never how long a busy machine took.
        services.healthProbeStuckAfter = .seconds(600)
        return APIBench(clock: clock, store: store, directory: directory, services: services)
    }

    /// Runs `body` against the router, in process.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(services: services, registry: PrometheusCollectorRegistry()))
        try await app.test(.router, body)
    }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestResponse {
    /// The body as a JSON value.
    var json: JSONValue { (try? PacerJSON.decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null }
    /// The body as text.
    var text: String { String(buffer: body) }
}

/// The `Content-Type` of a JSON body.
let jsonType: HTTPFields = [.contentType: "application/json"]

extension HTTPFields {
    /// Both sets of fields.
    static func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
        var out = a
        out.append(contentsOf: b)
        return out
    }
}

/// A JSON request body.
func jsonBody(_ value: JSONValue) -> ByteBuffer {
    ByteBuffer(bytes: (try? PacerJSON.encode(value)) ?? Data())
}
