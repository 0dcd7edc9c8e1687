import Foundation
import Logging
import MCP
import PacerCore

/// The streamable HTTP side of Pacer's MCP server, free of any web framework: one HTTP
/// request in, one answer out. `pacer serve` feeds it from its web server at `/mcp`.
///
/// Each POST is answered by a fresh SDK ``PacerMCPServer`` on the SDK's
/// `StatelessHTTPServerTransport`, with a single `application/json` reply, and with its tools
/// bound to the request's caller (the auth middleware's, so a token's scopes apply to every
/// call). One shared transport would not do: it matches replies to waiting requests by
/// JSON-RPC id, and every client numbers its requests from 0. The SDK's stateful transport
/// answers with SSE streams and keeps a server, a task and an event store per session for as
/// long as a client forgets to end it. Sessions are kept here instead, as ids in an
/// ``MCPSessionTable``:
///
/// * `initialize` opens one and answers with `Mcp-Session-Id`;
/// * every other POST must carry it (400 without, 404 for an unknown or expired one, which
///   tells the client to initialize again);
/// * `DELETE` ends it; `GET` is 405, as there is no server-to-client stream.
public final class MCPHTTPExchange: Sendable {
    /// An HTTP answer.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data?
    }

    /// The path it answers at.
    public static let path = "/mcp"

    let catalogue: MCPToolCatalogue
    let sessions: MCPSessionTable
    let logger: Logger

    public convenience init(catalogue: MCPToolCatalogue, logger: Logger) {
        self.init(catalogue: catalogue, sessions: MCPSessionTable(), logger: logger)
    }

    init(catalogue: MCPToolCatalogue, sessions: MCPSessionTable, logger: Logger) {
        self.catalogue = catalogue
        self.sessions = sessions
        self.logger = logger
    }

    /// Answers one request to `/mcp`.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - headers: the request headers.
    ///   - body: the request body.
    ///   - caller: who calls (set by the auth middleware).
    public func handle(method: String, headers: [String: String], body: Data?, caller: Caller) async -> Reply {
        let request = MCP.HTTPRequest(method: method, headers: headers, body: body, path: Self.path)
        switch method.uppercased() {
        case "POST":
            return await post(request, caller: caller)
        case "DELETE":
            guard let id = request.header(HTTPHeaderName.sessionID) else {
                return Self.reply(.error(statusCode: 400, .invalidRequest("Bad Request: Missing \(HTTPHeaderName.sessionID) header")))
            }
            guard sessions.close(id, owner: caller.name) else {
                return Self.reply(.error(statusCode: 404, .invalidRequest("Not Found: no such session (it ended or expired)")))
            }
            return Reply(status: 200, headers: [:], body: nil)
        default:
            return Self.reply(.error(statusCode: 405, .invalidRequest("Method Not Allowed: POST JSON-RPC messages; this server sends no event stream"),
                                     extraHeaders: [HTTPHeaderName.allow: "POST, DELETE"]))
        }
    }

    private func post(_ request: MCP.HTTPRequest, caller: Caller) async -> Reply {
        let pipeline = Self.pipeline(for: caller)
        guard let body = request.body, !body.isEmpty else {
            return Self.reply(.error(statusCode: 400, .parseError("Empty request body")))
        }
        let object = try? JSONSerialization.jsonObject(with: body)
        guard let message = object as? [String: Any] else {
            let what = object is [Any] ? "JSON-RPC batches are not supported; send one message per request" : "Invalid JSON-RPC message"
            return Self.reply(.error(statusCode: 400, .parseError(what)))
        }
        let isInitialize = message["method"] as? String == "initialize" && message["id"] != nil
        let context = HTTPValidationContext(httpMethod: "POST", sessionID: nil, isInitializationRequest: isInitialize)
        if let refusal = pipeline.validate(request, context: context) { return Self.reply(refusal) }

        var session: String?
        if !isInitialize {
            guard let id = request.header(HTTPHeaderName.sessionID) else {
                return Self.reply(.error(statusCode: 400, .invalidRequest(
                    "Bad Request: Missing \(HTTPHeaderName.sessionID) header; send initialize first")))
            }
            guard sessions.touch(id, owner: caller.name) else {
                return Self.reply(.error(statusCode: 404, .invalidRequest("Not Found: no such session (it ended or expired); initialize again")))
            }
            session = id
        }

        let transport = StatelessHTTPServerTransport(validationPipeline: pipeline, logger: logger)
        let server = await PacerMCPServer.make(catalogue: catalogue, caller: caller, logger: logger)
        do {
            try await server.start(transport: transport)
        } catch {
            logger.error("MCP server did not start", metadata: ["error": "\(error)"])
            return Self.reply(.error(statusCode: 500, .internalError("the MCP server did not start")))
        }
        var reply = Self.reply(await transport.handleRequest(request))
        await server.stop()

        if isInitialize, reply.status == 200, let data = reply.body,
           let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any], answer["result"] != nil {
            session = sessions.open(owner: caller.name)
        }
        if let session { reply.headers[HTTPHeaderName.sessionID] = session }
        return reply
    }

    /// What every POST is checked for: JSON in and accepted out, a supported
    /// `MCP-Protocol-Version`, and, for the local caller of a server without tokens, a
    /// loopback `Host` and `Origin` (no web page may reach a local Pacer through DNS
    /// rebinding). A caller with a token has proven itself with it.
    static func pipeline(for caller: Caller) -> StandardValidationPipeline {
        StandardValidationPipeline(validators: [
            caller == .local ? OriginValidator.localhost() : OriginValidator.disabled,
            AcceptHeaderValidator(mode: .jsonOnly),
            ContentTypeValidator(),
            ProtocolVersionValidator(),
        ])
    }

    /// The SDK's answer as status, headers and body.
    static func reply(_ response: MCP.HTTPResponse) -> Reply {
        var headers = response.headers
        if case .error = response { headers[HTTPHeaderName.contentType] = "application/json" }
        return Reply(status: response.statusCode, headers: headers, body: response.bodyData)
    }
}
