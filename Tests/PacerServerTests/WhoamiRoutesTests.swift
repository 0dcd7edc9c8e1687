import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Testing

/// `GET /v1/whoami`: the caller's name, the scopes it holds and those they grant, and its
/// OpenAPI description.
@Suite struct WhoamiRoutesTests {
    @Test func whoami_withoutTokens_isTheLocalCallerWithEveryScope() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/whoami", method: .get)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json == ["name": "local", "scopes": ["read", "write", "run", "admin"], "allows": ["read", "write", "run", "admin"]])
        }
    }

    @Test func whoami_namesTheTokenAndWhatItsScopesGrant() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let reader = try await bench.token("viewer", "read")
        let runner = try await bench.token("ci", "run", "write")
        let operator_ = try await bench.token("ops", "run")
        let admin = try await bench.token("root", "admin")
        try await bench.test { client in
            let cases: [(String, JSONValue)] = [
                (reader, ["name": "viewer", "scopes": ["read"], "allows": ["read"]]),
                (runner, ["name": "ci", "scopes": ["write", "run"], "allows": ["read", "write", "run"]]),
                (operator_, ["name": "ops", "scopes": ["run"], "allows": ["read", "run"]]),
                (admin, ["name": "root", "scopes": ["admin"], "allows": ["read", "write", "run", "admin"]]),
            ]
            for (secret, expected) in cases {
                let r = try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(secret))
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.json == expected)
                #expect(!r.text.contains(secret), "the secret is never echoed")
            }
            // Tokens exist: no token, or an unknown one, is refused.
            #expect(try await client.execute(uri: "/v1/whoami", method: .get).status == .unauthorized)
            let unknown = "pacer_" + String(repeating: "0", count: 40)
            #expect(try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(unknown)).status == .unauthorized)
            // A deleted token is refused at once.
            #expect(try await bench.store.deleteToken(nameOrID: "viewer"))
            #expect(try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(reader)).status == .unauthorized)
            // It takes no query parameters, and answers GET only.
            #expect(try await client.execute(uri: "/v1/whoami?name=x", method: .get, headers: bearer(admin)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/whoami", method: .post, headers: bearer(admin)).status == .methodNotAllowed)
        }
    }

    @Test func openAPI_describesWhoamiAndItsAnswerMatches() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let document = API.document(bench.services)
        let op = try #require(document.value(at: "paths./v1/whoami.get"))
        #expect(op["operationId"] == "whoami")
        #expect(op["x-pacer-scope"] == "read")
        #expect(op["responses"]?["401"] != nil && op["responses"]?["403"] != nil)
        #expect(op.value(at: "responses.200.content.application/json.schema.$ref") == "#/components/schemas/Caller")
        let schema = try #require(document.value(at: "components.schemas.Caller"))
        let secret = try await bench.token("ci", "write")
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(secret))
            try AuthTokenRoutesTests.conforms(r.json, to: schema)
            let validator = SchemaValidator(document: document)
            #expect(validator.problems(r.json, schema).isEmpty, "\(validator.problems(r.json, schema))")
        }
    }
}
