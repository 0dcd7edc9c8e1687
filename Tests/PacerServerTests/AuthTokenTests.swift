import Foundation
import PacerCore
import PacerServer
import Testing

/// SHA-256, token secrets and validation, loopback detection: pure values.
@Suite struct AuthTokenTests {
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256_standardVectors_match(message: String, digest: String) {
        #expect(Digests.sha256Hex(message) == digest)
    }

    @Test func sha256_millionAs_andBlockBoundaries_match() {
        #expect(Digests.sha256Hex(bytes: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55, 56 and 64 bytes: the padding's edge cases.
        #expect(Digests.sha256Hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(Digests.sha256Hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(Digests.sha256Hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func make_secretAndHash_haveTheirFormats() throws {
        let made = try APIToken.make(name: "ci", scopes: ["admin", "read", "admin"], at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(made.secret.wholeMatch(of: /pacer_[0-9a-hjkmnp-tv-z]{40}/) != nil, "\(made.secret)")
        #expect(APIToken.isSecretShaped(made.secret))
        #expect(made.token.id.hasPrefix("tok_") && made.token.id.count == 30)
        #expect(made.token.scopes == ["read", "admin"], "deduplicated, canonical order")
        #expect(made.token.hash == Digests.sha256Hex(made.secret))
        #expect(made.token.hash.wholeMatch(of: /[0-9a-f]{64}/) != nil)
        #expect(made.token.matches(secret: made.secret))
        #expect(!made.token.matches(secret: made.secret.uppercased()))
        #expect(made.token.validate().isEmpty)
        let other = try APIToken.make(name: "ci", scopes: ["read"], at: Date())
        #expect(other.secret != made.secret && other.token.id != made.token.id)
        // The secret never appears in what is stored or listed.
        let stored = String(decoding: try PacerJSON.encode(made.token), as: UTF8.self)
        let listed = String(decoding: try PacerJSON.encode(made.token.summary), as: UTF8.self)
        #expect(!stored.contains(made.secret) && !listed.contains(made.secret) && !listed.contains(made.token.hash))
        let created = try #require(try JSONSerialization.jsonObject(with: PacerJSON.encode(made)) as? [String: Any])
        #expect(Set(created.keys) == ["id", "name", "scopes", "created_at", "token"])
        #expect(created["token"] as? String == made.secret)
    }

    @Test(arguments: [
        ("", ["read"], ["name"]),
        ("a b", ["read"], ["name"]),
        ("-x", ["read"], ["name"]),
        ("local", ["read"], ["name"]),
        (String(repeating: "x", count: 65), ["read"], ["name"]),
        ("ci", [], ["scopes"]),
        ("ci", ["read", "root", "Admin"], ["scopes[1]", "scopes[2]"]),
        ("", ["sudo"], ["name", "scopes[0]"]),
    ] as [(String, [String], [String])])
    func make_badInput_namesEveryField(name: String, scopes: [String], fields: [String]) {
        #expect(throws: ValidationError.self) { try APIToken.make(name: name, scopes: scopes, at: Date()) }
        do {
            _ = try APIToken.make(name: name, scopes: scopes, at: Date())
        } catch {
            #expect(error.fields == fields)
        }
    }

    @Test func make_goodNames_areAccepted() throws {
        for name in ["ci", "CI-bot_2", "a", "dash.board", String(repeating: "x", count: 64), "tok_like"] {
            #expect(throws: Never.self) { try APIToken.make(name: name, scopes: ["read"], at: Date()) }
        }
    }

    @Test func constantTimeEquals_comparesWholeTexts() {
        #expect(APIToken.constantTimeEquals("abc", "abc"))
        #expect(!APIToken.constantTimeEquals("abc", "abd"))
        #expect(!APIToken.constantTimeEquals("abc", "abcd"))
        #expect(APIToken.constantTimeEquals("", ""))
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LOCALHOST", true), ("::1", true), ("[::1]", true),
        ("0:0:0:0:0:0:0:1", true), ("::ffff:127.0.0.1", true),
        ("0.0.0.0", false), ("::", false), ("192.168.1.10", false), ("10.0.0.1", false), ("128.0.0.1", false),
        ("example.com", false), ("localhost.example.com", false), ("127.0.0.1.example.com", false), ("", false),
        ("::2", false), ("fe80::1", false),
    ])
    func isLoopback_classifiesHosts(host: String, loopback: Bool) {
        #expect(ServerConfiguration.isLoopback(host) == loopback)
        #expect(ServerConfiguration(host: host).isLoopback == loopback)
    }
}
