import Foundation
import Hummingbird
import PacerCore

/// `GET /v1/whoami`: who the caller is, so a client (the dashboard) can offer only what its
/// token may do. Needs only the read scope, which every token grants.
public enum WhoamiRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        [
            APIRoute(.get, "/v1/whoami", scope: .read, doc: OperationDoc(
                "whoami", "The caller: its token's name and scopes (local, with every scope, on a server without tokens)", tag: "tokens",
                responses: [200: ResponseDoc("The caller", ["$ref": "#/components/schemas/Caller"])])
            ) { _, context in
                guard let caller = context.caller else { throw APIError.unauthorized }
                return try jsonResponse(json(caller))
            },
        ]
    }

    /// What the route answers for a caller: its name, the scopes it holds and every scope
    /// those grant, each in canonical order (read, write, run, admin).
    /// - Parameter caller: the caller.
    static func json(_ caller: Caller) -> JSONValue {
        let order = Scope.allCases
        return [
            "name": .string(caller.name),
            "scopes": .array(order.filter(caller.scopes.contains).map { .string($0.rawValue) }),
            "allows": .array(order.filter(caller.allows).map { .string($0.rawValue) }),
        ]
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] {
        let scopes = { (description: String) -> JSONValue in
            ["type": "array", "description": .string(description),
             "items": ["type": "string", "enum": .array(APIToken.scopeNames.map(JSONValue.string))]]
        }
        return [
            "Caller": [
                "type": "object", "additionalProperties": false,
                "description": "Who is calling: a token's name and scopes, or local (every scope) on a loopback server without tokens.",
                "required": ["name", "scopes", "allows"],
                "properties": [
                    "name": ["type": "string", "description": "The token's name; local without tokens. What the caller creates is owned by it."],
                    "scopes": scopes("The scopes the token holds."),
                    "allows": scopes("Every scope those grant: admin grants all, write and run grant read."),
                ],
            ],
        ]
    }
}
