import Hummingbird
import HTTPTypes

/// A known path asked with a method it does not have is a 405 naming the methods it has (and
/// an `Allow` header), not the router's 404: the path is right, the method is not.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The paths (OpenAPI form, `/v1/schedules/{id}`) split into segments, with their methods.
    let table: [(segments: [Substring], methods: [HTTPRequest.Method])]

    init(routes: [APIRoute], extra: [(String, HTTPRequest.Method)] = []) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        var order: [String] = []
        for (path, method) in routes.map({ ($0.path, $0.method) }) + extra {
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(method)
            if method == .get && !byPath[path]!.contains(.head) { byPath[path]!.append(.head) }
        }
        table = order.map { (Self.segments($0), byPath[$0]!) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let names = allowed.map(\.rawValue)
            var refusal = APIError(.methodNotAllowed, code: "method_not_allowed",
                                   "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(names.joined(separator: ", "))")
            refusal.allow = names
            throw refusal
        }
    }

    /// The methods of the first known path that matches (`{name}` matches one segment).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = Self.segments(path)
        for entry in table where entry.segments.count == parts.count {
            if zip(entry.segments, parts).allSatisfy({ pattern, part in pattern.hasPrefix("{") || pattern == part }) {
                return entry.methods
            }
        }
        return []
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
