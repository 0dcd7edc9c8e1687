import Foundation
import Hummingbird
import Logging
import PacerCore
import PacerMCP

/// `/mcp` on `pacer serve`: Pacer's MCP server over streamable HTTP, beside the REST API. The
/// auth middleware sets the caller as for `/v1` (401 without a valid token once tokens exist);
/// the caller's scopes apply to every tool call, and what it creates is owned by the token's
/// name. See ``MCPHTTPExchange`` for the protocol.
public enum MCPEndpoint {
    /// The endpoint's path.
    public static let path = MCPHTTPExchange.path

    /// Adds `POST`, `GET` and `DELETE /mcp` to the router.
    /// - Parameters:
    ///   - router: the application's router (with the auth middleware).
    ///   - services: the store, engine and clock.
    ///   - logger: where failed tool calls are logged.
    public static func register(on router: Router<APIRequestContext>, services: APIServices,
                                logger: Logger = Logger(label: "pacer.mcp")) {
        let catalogue = MCPToolCatalogue(store: services.store, clock: services.clock,
                                         configuration: .init(engineRunning: services.engine != nil, policy: services.policy))
        let exchange = MCPHTTPExchange(catalogue: catalogue, logger: logger)
        let handler: @Sendable (Request, APIRequestContext) async throws -> Response = { request, context in
            try await answer(request, context, exchange)
        }
        router.post(RouterPath(path), use: handler)
        router.get(RouterPath(path), use: handler)
        router.delete(RouterPath(path), use: handler)
    }

    static func answer(_ request: Request, _ context: APIRequestContext, _ exchange: MCPHTTPExchange) async throws -> Response {
        guard let caller = context.caller else { throw APIError.unauthorized }
        var request = request
        var body: Data?
        if request.method == .post {
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: context.maxUploadSize)
            } catch {
                throw APIError(.contentTooLarge, code: "too_large", "the body is larger than \(context.maxUploadSize) bytes")
            }
            body = Data(buffer.readableBytesView)
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let reply = await exchange.handle(method: request.method.rawValue, headers: headers, body: body, caller: caller)
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let key = HTTPFields.Element.Name(name) { fields[key] = value }
        }
        let status = HTTPResponse.Status(code: reply.status)
        guard let data = reply.body else { return Response(status: status, headers: fields) }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
