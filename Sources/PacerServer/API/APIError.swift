import Foundation
import Hummingbird
import Logging
import PacerCore
import PacerOperations
import PacerStore

/// An API error: `{"error": {"code", "message", "field"?}}` with a 4xx (or, for a fault of
/// the server itself, 5xx) status.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// A stable machine-readable code (`not_found`, `invalid`, ...).
    public var code: String
    /// What went wrong, for a person.
    public var message: String
    /// The field at fault, as a JSON path (`timing.rule`), when there is one.
    public var field: String?
    /// Every field error, for a validation failure.
    public var fields: [FieldError]
    /// The methods a path has, for a 405 (its `Allow` header).
    public var allow: [String] = []

    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: the code.
    ///   - message: the message.
    ///   - field: the field at fault.
    ///   - fields: every field error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil, fields: [FieldError] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.fields = fields
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// 400: a malformed request (bad JSON, a bad query parameter).
    public static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message, field: field)
    }

    /// 404: no such thing.
    public static func notFound(_ kind: String, _ id: String) -> APIError {
        APIError(.notFound, code: "not_found", "no \(kind) '\(id)'")
    }

    /// 409: the request conflicts with what is stored.
    public static func conflict(_ message: String, field: String? = nil) -> APIError {
        APIError(.conflict, code: "conflict", message, field: field)
    }

    /// 422: the values do not validate.
    public static func invalid(_ error: ValidationError) -> APIError {
        APIError(.unprocessableContent, code: "invalid", error.description, field: error.errors.first?.field, fields: error.errors)
    }

    /// 401: no valid token.
    public static let unauthorized = APIError(.unauthorized, code: "unauthorized",
                                              "a bearer token is required: Authorization: Bearer <token>")

    /// 403: the token lacks a scope.
    public static func forbidden(_ scope: Scope) -> APIError {
        APIError(.forbidden, code: "forbidden", "this token lacks the '\(scope.rawValue)' scope")
    }

    /// A refusal of ``PacerCore/Privilege``: 403 naming the scope and the field that needs it,
    /// or 422 naming each field the server's settings refuse.
    public init(_ refusal: Privilege.Refusal) {
        switch refusal {
        case .forbidden(_, let field, let message):
            self.init(.forbidden, code: "forbidden", message + ", which this caller lacks", field: field)
        case .invalid(let errors):
            self = .invalid(ValidationError(errors))
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        if fields.count > 1 {
            error["fields"] = .array(fields.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: status, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try PacerJSON.encode(JSONValue.object(["error": .object(error)])))))
    }

    /// Any error as an API error: validation, decoding and store errors keep their meaning;
    /// anything else is a 500 that says no more than that.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ValidationError: return .invalid(e)
        case let e as DecodingError: return .badRequest("the body does not match: \(PacerJSON.describe(e))", field: decodingPath(e))
        case let e as StoreError: return from(store: e)
        case let e as OperationError:
            switch e {
            case .conflict(let field, let message): return .conflict(message, field: field)
            case .notFound(let kind, let reference): return .notFound(kind, String(reference.prefix(200)))
            case .missing(let field, let message): return APIError(.notFound, code: "not_found", message, field: field)
            }
        case let e as Privilege.Refusal: return APIError(e)
        case let e as HTTPError:
            if e.status == .contentTooLarge {
                return APIError(.contentTooLarge, code: "too_large", "the body is larger than \(APILimits.maxBodyBytes) bytes")
            }
            if e.status == .notFound { return APIError(.notFound, code: "not_found", e.body ?? "no such route") }
            if e.status == .methodNotAllowed { return APIError(.methodNotAllowed, code: "method_not_allowed", e.body ?? "method not allowed") }
            if (400..<500).contains(e.status.code) { return APIError(e.status, code: "bad_request", e.body ?? e.status.reasonPhrase) }
            return APIError(.internalServerError, code: "internal", e.body ?? "internal error")
        default:
            return APIError(.internalServerError, code: "internal", "internal error")
        }
    }

    static func from(store error: StoreError) -> APIError {
        switch error {
        case .scheduleNotFound(let id): .notFound("schedule", id)
        case .runNotFound(let id): .notFound("run", id)
        case .sessionNotFound(let id): .notFound("session", id)
        case .notFound(let kind, let id): .notFound(kind, id)
        case .revisionNotFound(_, let revision): APIError(.notFound, code: "not_found", "no revision \(revision)", field: "revision")
        case .nameTaken(let name): .conflict("the name '\(name)' is taken", field: "name")
        case .revisionConflict(_, let stored, let given):
            .conflict("revision \(given) is out of date; the stored revision is \(stored)", field: "revision")
        case .duplicateRun: .conflict("that run exists already")
        case .leaseLost: .conflict("the run is no longer running here")
        case .timedOut(let s): APIError(.serviceUnavailable, code: "unavailable", "the database did not answer within \(Int(s)) s; try again")
        default: APIError(.internalServerError, code: "internal", "store error")
        }
    }

    static func decodingPath(_ error: DecodingError) -> String? {
        let keys: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let c): keys = c.codingPath + [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): keys = c.codingPath
        @unknown default: return nil
        }
        var out = ""
        for key in keys {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out.isEmpty ? nil : out
    }
}

/// Turns every error of a request into an ``APIError`` response, so a client always gets
/// the JSON error shape, and logs the ones that are the server's fault.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let api = APIError.from(error)
            if api.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(StoreFailure.describe(error))"])
            }
            return try api.response(from: request, context: context)
        }
    }
}
