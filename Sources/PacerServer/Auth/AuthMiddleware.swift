import Foundation
import Hummingbird
import PacerStore

/// Sets the caller of every `/v1` request (tokens are not built yet: everyone is local).
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let store: any Store

    /// - Parameter store: where tokens are kept.
    public init(store: any Store) { self.store = store }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if request.uri.path.hasPrefix("/v1") { context.caller = .local }
        return try await next(request, context)
    }
}
