import Foundation
import PacerCore
import Recurrence

/// Reading definitions (schedules, agents) sent to the API as JSON objects: each problem is a
/// field error with its wire path, collected so that one 422 names every field at fault.
enum DefinitionDecoding {
    /// The body as a JSON object.
    /// - Throws: ``APIError`` 400 when it is not an object.
    static func object(_ body: JSONValue, _ shape: String) throws -> [String: JSONValue] {
        guard case .object(let object) = body else {
            throw APIError.badRequest("the body must be a JSON object with \(shape)")
        }
        return object
    }

    /// A 422 naming every field at fault.
    static func invalid(_ errors: [FieldError]) -> APIError {
        .invalid(ValidationError(errors))
    }

    /// One field error as a 422.
    static func invalid(_ field: String, _ message: String) -> APIError {
        invalid([FieldError(field: field, message: message)])
    }
}

extension APIRequestContext {
    /// The caller the auth middleware set.
    /// - Throws: ``APIError/unauthorized`` when there is none.
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError.unauthorized }
        return caller
    }

    /// A path parameter naming a thing by id or name: percent-decoded, not empty, at most
    /// 1,000 characters.
    /// - Throws: ``APIError`` 404 for a value that cannot name anything.
    func reference(_ name: String, kind: String) throws -> String {
        let raw = try path(name)
        let value = raw.removingPercentEncoding ?? raw
        guard !value.isEmpty, value.count <= 1000 else { throw APIError.notFound(kind, String(value.prefix(100))) }
        return value
    }
}

/// Runs a handler, turning errors the API core does not know into their 4xx meaning: a rule
/// the store could not evaluate is a 422, never a 500.
func apiHandling<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RecurrenceError {
        let field = error.field == "rule" || error.field == "timezone" ? "timing.\(error.field)" : "timing"
        throw DefinitionDecoding.invalid(field, error.description)
    }
}
