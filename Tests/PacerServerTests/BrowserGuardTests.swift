import PacerSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PacerCore
@testable import PacerServer
import PacerStore
import Testing

/// A web page on another site, opened in a browser on the machine, must get nothing from a
/// Pacer that trusts loopback callers: no DNS rebinding, no cross-site writes, no framing.
@Suite struct BrowserGuardTests {
    let guardian = BrowserGuard(hosts: ["127.0.0.1", "pacer.internal"], origins: ["https://ops.example.com"])

    func request(_ method: HTTPRequest.Method = .get, _ path: String = "/v1/schedules", authority: String? = "127.0.0.1:8750",
                 _ fields: HTTPFields = [:]) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: fields),
                body: RequestBody(buffer: ByteBuffer()))
    }

    @Test(arguments: [
        ("127.0.0.1:8750", true), ("localhost:8750", true), ("LOCALHOST.", true), ("app.localhost:8750", true),
        ("[::1]:8750", true), ("10.0.0.7:8750", true), ("pacer.internal:8750", true), ("ops.example.com", true),
        ("attacker.example", false), ("attacker.example:8750", false), ("127.0.0.1.attacker.example", false),
        ("localhost.attacker.example:8750", false), ("", false),
    ])
    func host_mustBeAServerName_orAnAddress(authority: String, accepted: Bool) {
        let refusal = guardian.refusal(request(authority: authority))
        #expect((refusal == nil) == accepted, "\(authority): \(refusal?.message ?? "accepted")")
        if let refusal {
            #expect(refusal.status == .forbidden && refusal.code == "forbidden_host" && refusal.field == "Host")
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8750", true), ("https://ops.example.com", true),
        ("http://127.0.0.1:9999", false), ("http://localhost:8750", false), ("null", false),
        ("https://attacker.example", false), ("file://", false),
    ])
    func origin_mustBeTheServersOwn_orAllowed(origin: String, accepted: Bool) {
        let refusal = guardian.refusal(request(.post, authority: "127.0.0.1:8750", [.origin: origin]))
        #expect((refusal == nil) == accepted, "\(origin): \(refusal?.message ?? "accepted")")
        if let refusal { #expect(refusal.code == "forbidden_origin" && refusal.field == "Origin") }
    }

    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("Application/JSON", true),
        ("application/merge-patch+json", true), ("text/plain", false), ("text/plain;charset=UTF-8", false),
        ("application/x-www-form-urlencoded", false), ("multipart/form-data; boundary=x", false), (nil, false),
    ] as [(String?, Bool)])
    func apiBodies_mustBeJSON(contentType: String?, accepted: Bool) {
        var fields: HTTPFields = [.contentLength: "2"]
        if let contentType { fields[.contentType] = contentType }
        let refusal = guardian.refusal(request(.post, "/v1/schedules", fields))
        #expect((refusal == nil) == accepted, "\(contentType ?? "none")")
        if let refusal { #expect(refusal.status == .unsupportedMediaType && refusal.field == "Content-Type") }
        // Without a body (Run Now, pause) there is nothing to type; the dashboard's pages take none.
        #expect(guardian.refusal(request(.post, "/v1/schedules/x/run", [.contentLength: "0"])) == nil)
        #expect(guardian.refusal(request(.post, "/", fields)) == nil)
    }

    @Test func api_refusesCrossSiteWritesAndForms_andNothingIsStored() async throws {
        let bench = try APIBench.make()
        let command = try PacerJSON.encode(JSONValue.object(["name": "pwn", "every": "30s",
                                                             "target": ["kind": "command", "argv": ["/bin/sh", "-c", "touch /tmp/pwned"]]]))
        try await bench.testWithProbes { client in
            // What `fetch(..., {mode: "no-cors"})` sends: a text/plain body.
            let plain = try await client.execute(uri: "/v1/schedules", method: .post, headers: [.contentType: "text/plain;charset=UTF-8"],
                                                 body: ByteBuffer(bytes: command))
            APICall.expectError(plain, .unsupportedMediaType, code: "unsupported_media_type", field: "Content-Type")
            let form = try await client.execute(uri: "/v1/schedules", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "name=pwn"))
            APICall.expectError(form, .unsupportedMediaType)
            // A JSON body from another origin (a CORS request the browser would send after a
            // preflight) is refused too, as is the same from a sandboxed page.
            for origin in ["http://127.0.0.1:9999", "null"] {
                let cross = try await client.execute(uri: "/v1/schedules", method: .post,
                                                     headers: [.contentType: "application/json", .origin: origin], body: ByteBuffer(bytes: command))
                APICall.expectError(cross, .forbidden, code: "forbidden_origin", field: "Origin")
            }
            let run = try await client.execute(uri: "/v1/schedules/pwn/run", method: .post, headers: [.origin: "http://evil.test"])
            APICall.expectError(run, .forbidden, code: "forbidden_origin")
            // The same request from the server's own page works.
            let own = try await client.execute(uri: "/v1/schedules", method: .post,
                                               headers: [.contentType: "application/json", .origin: "http://localhost"],
                                               body: ByteBuffer(bytes: try PacerJSON.encode(JSONValue.object(
                                                   ["name": "ok", "every": "30s", "target": APICall.hook]))))
            #expect(own.status == .created, "\(own.text)")
        }
        #expect(try await bench.store.schedules().map(\.name) == ["ok"])
        await bench.close()
    }

    @Test func everyResponse_forbidsFramingAndSniffing_pagesErrorsAndAPI() async throws {
        let bench = try APIBench.make()
        try await bench.testWithProbes { client in
            for (path, method) in [("/", HTTPRequest.Method.get), ("/v1/schedules", .get), ("/v1/schedules/none", .get),
                                   ("/assets/app.js", .get), ("/healthz", .get), ("/v1/schedules", .post)] {
                let r = try await client.execute(uri: path, method: method, headers: [.contentType: "text/plain", .contentLength: "1"],
                                                 body: ByteBuffer(string: "x"))
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(r.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(r.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "\(path)")
                #expect(r.headers[.crossOriginResourcePolicy] == "same-origin", "\(path)")
            }
        }
        await bench.close()
    }

    @Test func serverConfiguration_addsItsPublicURLAndAllowedOrigins() {
        let g = BrowserGuard(ServerConfiguration(host: "0.0.0.0", port: 8750, publicURL: "https://pacer.example.com:8443/",
                                                 allowedOrigins: ["https://ops.example.com"]))
        #expect(g.refusal(request(authority: "pacer.example.com:8443")) == nil)
        #expect(g.refusal(request(.post, authority: "pacer.example.com:8443", [.origin: "https://ops.example.com"])) == nil)
        #expect(g.refusal(request(.post, authority: "pacer.example.com:8443", [.origin: "https://pacer.example.com:8443"])) == nil)
        #expect(g.refusal(request(authority: "other.example.com")) != nil)
        #expect(BrowserGuard.isOrigin("https://ops.example.com") && !BrowserGuard.isOrigin("https://ops.example.com/path"))
    }
}
