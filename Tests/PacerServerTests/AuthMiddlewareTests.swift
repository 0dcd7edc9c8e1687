import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Prometheus
import Testing

extension APIBench {
    /// Runs `body` against the router with probe routes that answer with the caller:
    /// `GET /v1/probe/read`, `POST /v1/probe/write`, `POST /v1/probe/run`, `POST /v1/probe/admin`.
    /// - Parameter loopback: whether the server counts as bound to loopback.
    func testWithProbes(loopback: Bool = true, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = buildRouter(services: services, registry: PrometheusCollectorRegistry(), loopback: loopback)
        router.add(Scope.allCases.map { scope in
            APIRoute(scope == .read ? .get : .post, "/v1/probe/\(scope.rawValue)", scope: scope,
                     doc: OperationDoc("probe\(scope.rawValue)", "Probe", tag: "test", responses: [200: ResponseDoc("Caller", nil)])
            ) { _, context in
                let caller = context.caller!
                return try jsonResponse(JSONValue.object([
                    "caller": .string(caller.name), "scopes": .array(caller.scopes.map(\.rawValue).sorted().map(JSONValue.string)),
                ]))
            }
        })
        try await Application(router: router).test(.router, body)
    }

    /// Creates a token in the store and returns its secret.
    func token(_ name: String, _ scopes: String...) async throws -> String {
        let made = try APIToken.make(name: name, scopes: scopes, at: clock.now())
        _ = try await store.createToken(made.token)
        return made.secret
    }
}

/// `Authorization: Bearer <secret>`.
func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

/// The probe route of a scope: method and path.
func probe(_ scope: Scope) -> (HTTPRequest.Method, String) {
    (scope == .read ? .get : .post, "/v1/probe/\(scope.rawValue)")
}

@Suite struct AuthMiddlewareTests {
    @Test func noTokens_onLoopback_everyCallerIsLocal() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        try await bench.testWithProbes { client in
            for scope in Scope.allCases {
                let (method, path) = probe(scope)
                let r = try await client.execute(uri: path, method: method)
                #expect(r.status == .ok, "\(path): \(r.text)")
                #expect(r.json["caller"] == "local")
                #expect(r.json["scopes"] == ["admin", "read", "run", "write"])
            }
            // A bearer header is ignored while no token exists.
            let r = try await client.execute(uri: "/v1/probe/admin", method: .post, headers: bearer("pacer_whatever"))
            #expect(r.status == .ok && r.json["caller"] == "local")
        }
    }

    @Test func noTokens_notOnLoopback_everyRequestIs401() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        try await bench.testWithProbes(loopback: false) { client in
            let r = try await client.execute(uri: "/v1/probe/read", method: .get)
            #expect(r.status == .unauthorized)
            #expect(r.headers[.wwwAuthenticate] == "Bearer")
            #expect(r.json.value(at: "error.code") == "unauthorized")
            #expect(try await client.execute(uri: "/v1/tokens", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "health stays open")
        }
    }

    @Test func tokensExist_missingOrWrongToken_is401WithJSONError() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let secret = try await bench.token("ci", "admin")
        let wrong = String(secret.dropLast()) + (secret.hasSuffix("0") ? "1" : "0")
        try await bench.testWithProbes { client in
            let headers: [HTTPFields] = [
                [:], bearer(wrong), bearer("pacer_short"), bearer("not-even-close"), [.authorization: "Bearer"],
                [.authorization: "Basic \(Data("ci:\(secret)".utf8).base64EncodedString())"], [.authorization: secret],
            ]
            for h in headers {
                let r = try await client.execute(uri: "/v1/probe/read", method: .get, headers: h)
                #expect(r.status == .unauthorized, "\(h)")
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
                #expect(r.headers[.contentType] == "application/json")
                #expect(r.json.value(at: "error.code") == "unauthorized")
                #expect(r.json.value(at: "error.message")?.text.isEmpty == false)
                #expect(!r.text.contains(secret) && !r.text.contains(wrong), "no secret echoed")
            }
            // Routes outside /v1 and /mcp need no token.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/openapi.json", method: .get).status == .ok)
            // The right token, with the scheme in any case.
            let ok = try await client.execute(uri: "/v1/probe/read", method: .get, headers: [.authorization: "bearer \(secret)"])
            #expect(ok.status == .ok && ok.json["caller"] == "ci")
        }
    }

    @Test func scopes_readTokenOnWriteRoute_is403_rightScopeIs200() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let read = try await bench.token("reader", "read")
        try await bench.testWithProbes { client in
            let r = try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(read))
            #expect(r.status == .ok)
            #expect(r.json["caller"] == "reader" && r.json["scopes"] == ["read"])
            for scope in [Scope.write, .run, .admin] {
                let (method, path) = probe(scope)
                let denied = try await client.execute(uri: path, method: method, headers: bearer(read))
                #expect(denied.status == .forbidden, "\(scope)")
                #expect(denied.json.value(at: "error.code") == "forbidden")
                #expect(denied.json.value(at: "error.message")?.text.contains("'\(scope.rawValue)'") == true)
            }
            #expect(try await client.execute(uri: "/v1/tokens", method: .get, headers: bearer(read)).status == .forbidden)
        }
    }

    @Test(arguments: [
        (["admin"], [Scope.read, .write, .run, .admin]),
        (["write"], [.read, .write]),
        (["run"], [.read, .run]),
        (["read"], [.read]),
        (["write", "run"], [.read, .write, .run]),
    ] as [([String], [Scope])])
    func scopes_implications_holdOnRoutes(scopes: [String], allowed: [Scope]) async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let made = try APIToken.make(name: "t", scopes: scopes, at: bench.clock.now())
        _ = try await bench.store.createToken(made.token)
        try await bench.testWithProbes { client in
            for scope in Scope.allCases {
                let (method, path) = probe(scope)
                let r = try await client.execute(uri: path, method: method, headers: bearer(made.secret))
                #expect(r.status == (allowed.contains(scope) ? .ok : .forbidden), "\(scopes) on \(scope)")
            }
        }
    }

    @Test func use_recordsLastUsedAt_throttled() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let secret = try await bench.token("ci", "read")
        try await bench.testWithProbes { client in
            #expect(try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret)).status == .ok)
            #expect(try await bench.store.tokens().first?.lastUsedAt == APIBench.t0)
            bench.clock.advance(by: 30)
            _ = try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret))
            #expect(try await bench.store.tokens().first?.lastUsedAt == APIBench.t0, "not rewritten within a minute")
            bench.clock.advance(by: 31)
            _ = try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret))
            #expect(try await bench.store.tokens().first?.lastUsedAt == APIBench.t0.addingTimeInterval(61))
        }
    }

    @Test func deletedToken_isRefusedAtOnce_andLastDeletionReopensLoopbackWithinASecond() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let secret = try await bench.token("ci", "admin")
        _ = try await bench.token("other", "read")
        try await bench.testWithProbes { client in
            #expect(try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret)).status == .ok)
            #expect(try await bench.store.deleteToken(nameOrID: "ci"))
            #expect(try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret)).status == .unauthorized)
            // With the last token gone, a loopback server is open again once its cache expires.
            #expect(try await bench.store.deleteToken(nameOrID: "other"))
            bench.clock.advance(by: 1.1)
            let r = try await client.execute(uri: "/v1/probe/read", method: .get)
            #expect(r.status == .ok && r.json["caller"] == "local", "no tokens again: loopback is open")
        }
        try await bench.testWithProbes(loopback: false) { client in
            let r = try await client.execute(uri: "/v1/probe/read", method: .get, headers: bearer(secret))
            #expect(r.status == .unauthorized, "off loopback, no tokens: refused")
        }
    }

    @Test func mcpPaths_areProtectedToo() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let secret = try await bench.token("ci", "read")
        try await bench.testWithProbes { client in
            let r = try await client.execute(uri: "/mcp", method: .post)
            #expect(r.status == .unauthorized)
            let withToken = try await client.execute(uri: "/mcp", method: .post, headers: bearer(secret))
            #expect(withToken.status != .unauthorized)
        }
    }
}
