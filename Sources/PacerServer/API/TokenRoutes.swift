import Foundation
import Hummingbird
import PacerCore
import PacerOperations
import PacerStore

/// `/v1/tokens`: list, create and delete API tokens (admin only). A token's secret is in the
/// response that creates it and nowhere else; hashes are never shown.
public enum TokenRoutes {
    /// The routes.
    public static func routes(_ services: APIServices) -> [APIRoute] {
        let store = services.store
        return [
            APIRoute(.get, "/v1/tokens", scope: .admin, doc: OperationDoc(
                "listTokens", "List API tokens by name (never their secrets or hashes)", tag: "tokens",
                responses: [200: ResponseDoc("The tokens, by name", ["type": "array", "items": ref("Token")])])
            ) { _, _ in
                try jsonResponse(try await store.tokens().map(\.summary))
            },
            APIRoute(.post, "/v1/tokens", scope: .admin, doc: OperationDoc(
                "createToken", "Create an API token; its secret is in this response only", tag: "tokens",
                requestBody: ref("TokenInput"),
                responses: [201: ResponseDoc("The token with its secret, shown this once", ref("TokenCreated"))],
                errors: [409, 422])
            ) { request, context in
                let input = try await request.decodeJSON(TokenInput.self)
                let made = try await TokenOperations.create(name: input.name, scopes: input.scopes, in: try services.operations(context))
                return try jsonResponse(made, status: .created)
            },
            APIRoute(.delete, "/v1/tokens/{id}", scope: .admin, doc: OperationDoc(
                "deleteToken", "Delete an API token by id or name; requests with it are refused at once", tag: "tokens",
                responses: [204: ResponseDoc("Deleted", nil)])
            ) { _, context in
                try await TokenOperations.delete(try context.path("id"), in: try services.operations(context))
                return Response(status: .noContent)
            },
        ]
    }

    /// The reserved owner names in any letter case, as a pattern.
    static var reservedPattern: String {
        let words = Privilege.reservedOwners.sorted().map { name in
            name.map { c in c.isLetter ? "[\(c.uppercased())\(c.lowercased())]" : String(c) }.joined()
        }
        return "^(" + words.joined(separator: "|") + ")$"
    }

    /// Their named schemas.
    public static var schemas: [String: JSONValue] {
        let scopes: JSONValue = ["type": "array", "minItems": 1,
                                 "items": ["type": "string", "enum": .array(APIToken.scopeNames.map(JSONValue.string))]]
        let name: JSONValue = ["type": "string", "minLength": 1, "maxLength": .number(Double(APIToken.maxNameLength)),
                               "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "not": ["pattern": .string(reservedPattern)]]
        let id: JSONValue = ["type": "string", "pattern": "^tok_[0-9a-z]+$"]
        let instant: JSONValue = ["type": "string", "format": "date-time"]
        return [
            "Token": [
                "type": "object", "additionalProperties": false,
                "description": "An API token, without its secret or hash.",
                "required": ["id", "name", "scopes", "created_at"],
                "properties": [
                    "id": id, "name": name, "scopes": scopes, "created_at": instant,
                    "last_used_at": ["type": "string", "format": "date-time",
                                     "description": "Recorded at most about once a minute; absent when never used."],
                ],
            ],
            "TokenCreated": [
                "type": "object", "additionalProperties": false,
                "description": "A new token with its secret, which is shown this once.",
                "required": ["id", "name", "scopes", "created_at", "token"],
                "properties": [
                    "id": id, "name": name, "scopes": scopes, "created_at": instant,
                    "token": ["type": "string", "pattern": "^pacer_[0-9a-z]{40}$",
                              "description": "The secret: send it as Authorization: Bearer <token>."],
                ],
            ],
            "TokenInput": [
                "type": "object", "required": ["name", "scopes"],
                "properties": [
                    "name": name,
                    "scopes": scopes,
                ],
            ],
        ]
    }

    /// The body of `POST /v1/tokens`.
    struct TokenInput: Decodable {
        var name: String
        var scopes: [String]
    }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
}
