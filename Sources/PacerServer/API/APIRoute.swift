import Foundation
import Hummingbird
import PacerCore

/// One route of the REST API: registered on the router with its scope check, and described
/// in `/openapi.json` from the same value, so the document cannot miss a route.
public struct APIRoute: Sendable {
    /// The method.
    public var method: HTTPRequest.Method
    /// The path in OpenAPI form, e.g. `/v1/schedules/{id}`.
    public var path: String
    /// The scope a caller needs; `nil` for a public route.
    public var scope: Scope?
    /// The OpenAPI description.
    public var doc: OperationDoc
    /// The handler.
    public var handler: @Sendable (Request, APIRequestContext) async throws -> Response

    /// - Parameters:
    ///   - method: the method.
    ///   - path: the OpenAPI path.
    ///   - scope: the scope needed.
    ///   - doc: the OpenAPI description.
    ///   - handler: the handler.
    public init(_ method: HTTPRequest.Method, _ path: String, scope: Scope?, doc: OperationDoc,
                handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        self.method = method
        self.path = path
        self.scope = scope
        self.doc = doc
        self.handler = handler
    }

    /// The names of the path's `{parameters}`.
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }
}

/// The OpenAPI description of one operation.
public struct OperationDoc: Sendable {
    /// A unique id (`listSchedules`).
    public var operationID: String
    /// One line.
    public var summary: String
    /// The group (`schedules`, `runs`, ...).
    public var tag: String
    /// Query parameters: name, JSON Schema, description.
    public var query: [QueryParameter]
    /// The JSON Schema of the request body, when there is one.
    public var requestBody: JSONValue?
    /// Whether the request body is required.
    public var bodyRequired: Bool
    /// Success responses: status to (description, JSON Schema of the body or `nil` for none).
    public var responses: [Int: ResponseDoc]
    /// Error statuses the operation may answer (each with the error body).
    public var errors: [Int]

    /// - Parameters:
    ///   - operationID: the id.
    ///   - summary: one line.
    ///   - tag: the group.
    ///   - query: query parameters.
    ///   - requestBody: body schema.
    ///   - bodyRequired: whether the body is required.
    ///   - responses: success responses.
    ///   - errors: error statuses.
    public init(_ operationID: String, _ summary: String, tag: String, query: [QueryParameter] = [],
                requestBody: JSONValue? = nil, bodyRequired: Bool = true, responses: [Int: ResponseDoc],
                errors: [Int] = []) {
        self.operationID = operationID
        self.summary = summary
        self.tag = tag
        self.query = query
        self.requestBody = requestBody
        self.bodyRequired = bodyRequired
        self.responses = responses
        self.errors = errors
    }
}

/// A query parameter of an operation.
public struct QueryParameter: Sendable {
    public var name: String
    public var schema: JSONValue
    public var description: String
    public init(_ name: String, _ schema: JSONValue, _ description: String) {
        self.name = name
        self.schema = schema
        self.description = description
    }
}

/// A success response of an operation.
public struct ResponseDoc: Sendable {
    public var description: String
    /// The JSON Schema of the body (`nil`: no body); `text/event-stream` when `eventStream`.
    public var schema: JSONValue?
    public var contentType: String
    public init(_ description: String, _ schema: JSONValue?, contentType: String = "application/json") {
        self.description = description
        self.schema = schema
        self.contentType = contentType
    }
}

extension Router where Context == APIRequestContext {
    /// Registers routes, each behind its scope check; a query parameter the route does not
    /// document is a 400 naming it (a filter that is not applied must not look applied).
    /// - Parameter routes: the routes.
    public func add(_ routes: [APIRoute]) {
        for route in routes {
            let scope = route.scope, handler = route.handler
            let known = Set(route.doc.query.map(\.name))
            on(RouterPath(route.path), method: route.method) { request, context in
                if let scope {
                    guard let caller = context.caller else { throw APIError.unauthorized }
                    guard caller.allows(scope) else { throw APIError.forbidden(scope) }
                }
                if let unknown = request.uri.queryParameters.first(where: { !known.contains(String($0.key)) }) {
                    let takes = known.isEmpty ? "takes no query parameters" : "takes " + known.sorted().joined(separator: ", ")
                    throw APIError.badRequest("unknown query parameter '\(unknown.key.prefix(100))'; this route \(takes)",
                                              field: String(unknown.key.prefix(100)))
                }
                return try await handler(request, context)
            }
        }
    }
}
