import Foundation
import PacerCore
import PacerOperations
import PacerEngine
import PacerStore

/// What the API's handlers use.
public struct APIServices: Sendable {
    /// The store every writer shares.
    public var store: any Store
    /// The engine of this process, when there is one (in-flight counts).
    public var engine: Engine?
    /// The clock.
    public var clock: any WallClock
    /// The server's base URL for links (`http://127.0.0.1:8750`).
    public var publicURL: String
    /// What definitions may reach on this server (commands, environment variables, log files).
    public var policy: ServerPolicy
    /// How long `/healthz` lets a store write go unanswered before it says the store does not
    /// answer.
    public var healthProbeStuckAfter: Duration = WriteProbe.stuckAfter

    /// - Parameters:
    ///   - store: the store.
    ///   - engine: the engine.
    ///   - clock: the clock.
    ///   - publicURL: the base URL for links.
    ///   - policy: the server's settings (nothing allowed by default).
    public init(store: any Store, engine: Engine? = nil, clock: any WallClock = SystemClock(),
                publicURL: String = "http://127.0.0.1:8750", policy: ServerPolicy = .closed) {
        self.policy = policy
        self.store = store
        self.engine = engine
        self.clock = clock
        self.publicURL = publicURL
    }
}

/// The REST API: every route group and its schemas.
public enum API {
    /// Every `/v1` route.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        ScheduleRoutes.routes(services) + PreviewRoutes.routes(services) + RunRoutes.routes(services)
            + SessionRoutes.routes(services) + AgentRoutes.routes(services) + ItemRoutes.routes(services)
            + EventRoutes.routes(services) + TokenRoutes.routes(services) + WhoamiRoutes.routes(services)
    }

    /// Every named schema the routes refer to.
    public static var schemas: [String: JSONValue] {
        var all: [String: JSONValue] = [:]
        for group in [ScheduleRoutes.schemas, PreviewRoutes.schemas, RunRoutes.schemas, SessionRoutes.schemas,
                      AgentRoutes.schemas, ItemRoutes.schemas, EventRoutes.schemas, TokenRoutes.schemas,
                      WhoamiRoutes.schemas] {
            all.merge(group) { first, _ in first }
        }
        return all
    }

    /// The OpenAPI document of every route.
    public static func document(_ services: APIServices) -> JSONValue {
        OpenAPIDocument.build(routes: routes(services), schemas: schemas)
    }
}

extension APIServices {
    /// The context of an operation the request's caller makes.
    /// - Throws: ``APIError/unauthorized`` when the request has no caller.
    func operations(_ context: APIRequestContext) throws -> OperationContext {
        OperationContext(caller: try context.requireCaller(), store: store, policy: policy, clock: clock)
    }
}
