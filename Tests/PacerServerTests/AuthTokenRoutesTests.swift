import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Testing

/// `/v1/tokens`: list, create, delete, and their OpenAPI description.
@Suite struct AuthTokenRoutesTests {
    @Test func tokens_createListUseDelete_roundTrip() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        try await bench.testWithProbes { client in
            // The local caller of a server without tokens creates the first one.
            let created = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType,
                                                   body: jsonBody(["name": "ci", "scopes": ["run", "write", "run"]]))
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json["token"]?.text)
            #expect(secret.wholeMatch(of: /pacer_[0-9a-z]{40}/) != nil)
            #expect(created.json["name"] == "ci")
            #expect(created.json["scopes"] == ["write", "run"])
            #expect(created.json["created_at"] == .string(PacerJSON.format(APIBench.t0)))
            let id = try #require(created.json["id"]?.text)
            #expect(id.hasPrefix("tok_"))
            let stored = try #require(try await bench.store.tokens().first)
            #expect(stored.hash == APIToken.hash(secret: secret) && stored.id == id)

            let adminSecret = try await bench.token("root", "admin")
            let rootID = try #require(try await bench.store.token(nameOrID: "root")?.id)

            // Tokens exist now (whether they do is cached for a second at most): the list needs
            // an admin token and never shows secrets or hashes.
            bench.clock.advance(by: 1.1)
            #expect(try await client.execute(uri: "/v1/tokens", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/tokens", method: .get, headers: bearer(secret)).status == .forbidden)
            let list = try await client.execute(uri: "/v1/tokens", method: .get, headers: bearer(adminSecret))
            #expect(list.status == .ok)
            guard case .array(let items) = list.json else { Issue.record("not an array: \(list.text)"); return }
            #expect(items.map { $0["name"] } == ["ci", "root"])
            #expect(items.allSatisfy { $0["hash"] == nil && $0["token"] == nil })
            #expect(!list.text.contains(secret) && !list.text.contains(stored.hash))
            let usedAt = PacerJSON.format(APIBench.t0.addingTimeInterval(1.1))
            #expect(items[1]["last_used_at"] == .string(usedAt), "the admin token was just used")
            #expect(items[0]["last_used_at"] == .string(usedAt), "refused for its scope, yet used")

            // The created token works with its scopes.
            let (method, path) = probe(.write)
            let used = try await client.execute(uri: path, method: method, headers: bearer(secret))
            #expect(used.status == .ok && used.json["caller"] == "ci")

            // Delete by name, then by id; unknown is 404.
            let byName = try await client.execute(uri: "/v1/tokens/ci", method: .delete, headers: bearer(adminSecret))
            #expect(byName.status == .noContent && byName.body.readableBytes == 0)
            #expect(try await client.execute(uri: path, method: method, headers: bearer(secret)).status == .unauthorized)
            let again = try await client.execute(uri: "/v1/tokens/ci", method: .delete, headers: bearer(adminSecret))
            #expect(again.status == .notFound && again.json.value(at: "error.code") == "not_found")
            #expect(try await client.execute(uri: "/v1/tokens/\(rootID)", method: .delete, headers: bearer(adminSecret)).status == .noContent)
            #expect(try await bench.store.hasTokens() == false)
        }
    }

    @Test func tokens_badInput_422_409_400_nothingStored() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        try await bench.testWithProbes { client in
            let bad = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType,
                                               body: jsonBody(["name": "ci", "scopes": ["read", "root"]]))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.json.value(at: "error.field") == "scopes[1]")
            let none = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: jsonBody(["name": "ci", "scopes": []]))
            #expect(none.status == .unprocessableContent && none.json.value(at: "error.field") == "scopes")
            let both = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: jsonBody(["name": "local", "scopes": ["x"]]))
            #expect(both.status == .unprocessableContent && both.json.value(at: "error.field") == "name")
            #expect(both.json.value(at: "error.fields.1.field") == "scopes[0]")
            let missing = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: jsonBody(["name": "ci"]))
            #expect(missing.status == .badRequest && missing.json.value(at: "error.field") == "scopes")
            let notJSON = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: ByteBuffer(string: "{"))
            #expect(notJSON.status == .badRequest)
            #expect(try await client.execute(uri: "/v1/tokens", method: .post).status == .badRequest)
            #expect(try await bench.store.hasTokens() == false, "nothing stored")

            let first = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: jsonBody(["name": "ci", "scopes": ["read"]]))
            #expect(first.status == .created)
            let admin = try await bench.token("root", "admin")
            let duplicate = try await client.execute(uri: "/v1/tokens", method: .post, headers: bearer(admin) + jsonType,
                                                     body: jsonBody(["name": "ci", "scopes": ["admin"]]))
            #expect(duplicate.status == .conflict && duplicate.json.value(at: "error.field") == "name")
            #expect(try await bench.store.tokens().first { $0.name == "ci" }?.scopes == ["read"])
        }
    }

    @Test func openAPI_describesTheTokenRoutesAndSchemas() async throws {
        let bench = try APIBench.make()
        defer { Task { await bench.close() } }
        let document = API.document(bench.services)
        for (path, method, id) in [("/v1/tokens", "get", "listTokens"), ("/v1/tokens", "post", "createToken"),
                                   ("/v1/tokens/{id}", "delete", "deleteToken")] {
            let op = try #require(document["paths"]?[path]?[method], "\(method) \(path)")
            #expect(op["operationId"] == .string(id))
            #expect(op["x-pacer-scope"] == "admin")
            #expect(op["responses"]?["401"] != nil && op["responses"]?["403"] != nil)
        }
        #expect(document.value(at: "paths./v1/tokens.post.responses.201") != nil)
        #expect(document.value(at: "paths./v1/tokens.post.responses.409") != nil)
        #expect(document.value(at: "paths./v1/tokens.post.responses.422") != nil)
        #expect(document.value(at: "paths./v1/tokens/{id}.delete.responses.204") != nil)
        let schemas = try #require(document.value(at: "components.schemas"))
        for name in ["Token", "TokenCreated", "TokenInput"] { #expect(schemas[name] != nil, "\(name)") }

        // What the routes return has exactly the documented properties.
        try await bench.testWithProbes { client in
            let created = try await client.execute(uri: "/v1/tokens", method: .post, headers: jsonType, body: jsonBody(["name": "ci", "scopes": ["admin"]]))
            try Self.conforms(created.json, to: schemas["TokenCreated"]!)
            let list = try await client.execute(uri: "/v1/tokens", method: .get, headers: bearer(created.json["token"]!.text))
            guard case .array(let items) = list.json, let first = items.first else { Issue.record("\(list.text)"); return }
            try Self.conforms(first, to: schemas["Token"]!)
            #expect(first["last_used_at"] != nil)
        }
    }

    /// Checks an object against a flat object schema: required keys present, no unknown keys.
    static func conforms(_ value: JSONValue, to schema: JSONValue) throws {
        guard case .object(let object) = value, case .object(let properties)? = schema["properties"],
              case .array(let required)? = schema["required"] else {
            Issue.record("not an object or schema: \(value)")
            return
        }
        for key in required { #expect(object[key.text] != nil, "missing \(key.text)") }
        for key in object.keys { #expect(properties[key] != nil, "undocumented \(key)") }
    }
}
