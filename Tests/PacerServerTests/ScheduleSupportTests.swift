import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

/// Sets a fixed caller on every request, so route scopes and privileges can be tested
/// without tokens.
struct FixedCallerMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let caller: Caller

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = caller
        return try await next(request, context)
    }
}

extension APIBench {
    /// Runs `body` against the API routes alone, called by `caller`.
    func test(as caller: Caller, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: FixedCallerMiddleware(caller: caller))
        router.add(API.routes(services))
        try await Application(router: router).test(.router, body)
    }
}

/// Requests and checks shared by the schedule, run, preview and agent route tests.
enum APICall {
    static let hook: JSONValue = ["kind": "http", "url": "https://example.com/hook"]

    /// A request with a JSON body.
    static func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
                     _ body: JSONValue? = nil) async throws -> TestResponse {
        try await client.execute(uri: path, method: method, headers: [.contentType: "application/json"], body: body.map(jsonBody))
    }

    /// A request with a raw body.
    static func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, raw: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: method, headers: [.contentType: "application/json"], body: ByteBuffer(string: raw))
    }

    /// Creates a schedule through the API and returns its view.
    static func create(_ client: any TestClientProtocol, _ body: JSONValue,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let r = try await send(client, .post, "/v1/schedules", body)
        #expect(r.status == .created, "\(r.text)", sourceLocation: sourceLocation)
        return r.json
    }

    /// A schedule named `name` firing every minute at the hook.
    static func create(_ client: any TestClientProtocol, name: String,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        try await create(client, ["name": .string(name), "every": "1m", "target": hook], sourceLocation: sourceLocation)
    }

    /// Checks an error response: status, code, field, and the JSON error shape.
    static func expectError(_ r: TestResponse, _ status: HTTPResponse.Status, code: String? = nil, field: String? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(r.text)", sourceLocation: sourceLocation)
        #expect(r.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        guard case .object(let error)? = r.json["error"] else {
            Issue.record("no error object in \(r.text)", sourceLocation: sourceLocation)
            return
        }
        #expect(error["message"]?.text.isEmpty == false, sourceLocation: sourceLocation)
        if let code { #expect(error["code"] == .string(code), "\(r.text)", sourceLocation: sourceLocation) }
        if let field { #expect(error["field"] == .string(field), "\(r.text)", sourceLocation: sourceLocation) }
    }
}

extension JSONValue {
    /// The elements of an array (empty for anything else).
    var elements: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }
}

/// The small pieces the schedule routes are built from.
@Suite struct ScheduleSupportTests {
    @Test func callerMiddleware_setsTheCaller_andScopesAreChecked() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Caller(name: "reader", scopes: [.read])) { client in
            #expect(try await APICall.send(client, .get, "/v1/schedules").status == .ok)
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules", ["name": "x", "every": "1m", "target": APICall.hook]),
                                .forbidden, code: "forbidden")
        }
        #expect(try await bench.store.schedules().isEmpty)
        await bench.close()
    }
}
