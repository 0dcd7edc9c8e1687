import Foundation
import PacerCore

/// The `/v1` routes of this group (not built yet).
public enum ItemRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] { [] }
    /// Their named schemas.
    public static var schemas: [String: JSONValue] { [:] }
}
