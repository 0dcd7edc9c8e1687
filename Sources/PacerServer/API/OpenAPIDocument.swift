import Foundation
import HTTPTypes
import PacerCore

/// Builds `/openapi.json` (OpenAPI 3.1) from the routes and the schema components.
public enum OpenAPIDocument {
    /// The document.
    /// - Parameters:
    ///   - routes: every route of the API.
    ///   - schemas: named JSON Schemas (`#/components/schemas/NAME`).
    ///   - version: the API's version.
    public static func build(routes: [APIRoute], schemas: [String: JSONValue], version: String = "1.0.0") -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route)
        }
        var allSchemas = schemas
        allSchemas["Error"] = errorSchema
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Pacer API",
                "version": .string(version),
                "description": "Schedules, runs, agent sessions and agents of a Pacer server. Errors are {\"error\": {\"code\", \"message\", \"field\"}}.",
            ],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "schemas": .object(allSchemas),
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer",
                                               "description": "A token made with `pacer tokens create`."]],
            ],
        ]
    }

    static func operation(_ route: APIRoute) -> JSONValue {
        let doc = route.doc
        var op: [String: JSONValue] = [
            "operationId": .string(doc.operationID), "summary": .string(doc.summary), "tags": [.string(doc.tag)],
        ]
        var parameters: [JSONValue] = route.pathParameters.map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
        }
        for q in doc.query {
            parameters.append(["name": .string(q.name), "in": "query", "required": false, "schema": q.schema,
                               "description": .string(q.description)])
        }
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        if let body = doc.requestBody {
            op["requestBody"] = ["required": .bool(doc.bodyRequired), "content": ["application/json": ["schema": body]]]
        }
        var responses: [String: JSONValue] = [:]
        for (status, response) in doc.responses {
            var r: [String: JSONValue] = ["description": .string(response.description)]
            if let schema = response.schema { r["content"] = .object([response.contentType: ["schema": schema]]) }
            responses[String(status)] = .object(r)
        }
        var errors = Set(doc.errors)
        if route.scope != nil { errors.formUnion([401, 403]) }
        if doc.requestBody != nil { errors.formUnion([400, 413, 415]) }
        if !route.pathParameters.isEmpty { errors.insert(404) }
        errors.insert(400)  // a query parameter the route does not take, on every route
        for status in errors.sorted() {
            responses[String(status)] = ["description": .string(errorDescription(status)),
                                         "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        }
        op["responses"] = .object(responses)
        if route.scope != nil {
            op["security"] = [["bearer": []]]
            op["x-pacer-scope"] = .string(route.scope!.rawValue)
        }
        return .object(op)
    }

    static func errorDescription(_ status: Int) -> String {
        switch status {
        case 400: "Malformed request"
        case 401: "No valid bearer token"
        case 403: "The token lacks the scope, or the request came from another site (Host or Origin refused)"
        case 404: "Not found"
        case 409: "Conflicts with what is stored"
        case 413: "Body too large"
        case 415: "The body is not application/json"
        case 422: "Values do not validate"
        default: "Error"
        }
    }

    /// `{"error": {"code", "message", "field"?, "fields"?}}`.
    static let errorSchema: JSONValue = [
        "type": "object", "required": ["error"],
        "properties": ["error": [
            "type": "object", "required": ["code", "message"],
            "properties": [
                "code": ["type": "string"], "message": ["type": "string"], "field": ["type": "string"],
                "fields": ["type": "array", "items": ["type": "object", "properties": ["field": ["type": "string"], "message": ["type": "string"]]]],
            ],
        ]],
    ]
}
