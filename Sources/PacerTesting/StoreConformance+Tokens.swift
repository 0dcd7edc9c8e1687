import Foundation
import PacerCore
import PacerOperations
import PacerStore

extension StoreConformance {
    static let tokenCases: [ConformanceCase] = [
        ConformanceCase("ownerScopes_tokensAgentsAndPacersOwnSurfaces") { store in
            let writer = try APIToken.make(name: "w", scopes: ["write", "run"], at: Fixture.t0)
            _ = try await store.createToken(writer.token)
            let admin = try APIToken.make(name: "ops", scopes: ["admin"], at: Fixture.t0)
            _ = try await store.createToken(admin.token)
            try check(try await store.ownerScopes("cli") == nil, "Pacer's own surfaces are not limited")
            try check(try await store.ownerScopes("w") == [.write, .run], "a token's name has its scopes")
            var wild = Fixture.agent("wild")
            wild.owner = "ops"
            wild.approvalMode = .allowAll
            _ = try await store.saveAgent(wild)
            try check(try await store.ownerScopes("agent:wild") == Set(Scope.allCases), "an admin's allow_all agent writes as an admin")
            var tame = Fixture.agent("tame")
            tame.owner = "w"
            _ = try await store.saveAgent(tame)
            try check(try await store.ownerScopes("agent:tame") == [.read, .write, .run], "a writer's agent: no more than write and run")
            var demoted = wild
            demoted.approvalMode = .denyDangerous
            _ = try await store.saveAgent(demoted)
            try check(try await store.ownerScopes("agent:wild")?.contains(.admin) == false, "an agent demoted later loses admin at once")
            try check(try await store.ownerScopes("agent:gone") == [], "an agent that no longer exists has no scopes")
            _ = try await store.deleteToken(nameOrID: "w")
            try check(try await store.ownerScopes("agent:tame") == [], "nor does the agent of a deleted token")
        },
        ConformanceCase("settings_publishedPolicy_readsBack_andTheNewestWins") { store in
            try check(try await store.publishedPolicy() == nil, "a new store has no published policy")
            try check(try await store.effectivePolicy() == .closed, "and is checked against the closed one")
            let first = ServerPolicy(allowCommands: true, allowedEnvironment: [.init(name: "B"), .init(name: "A", destination: "https://a.example/")],
                                     logDirectory: "/var/log/pacer/")
            try await store.publishPolicy(first)
            try check(try await store.publishedPolicy() == first, "the policy reads back")
            try check(try await store.publishedPolicy()?.logDirectory == "/var/log/pacer", "without a trailing slash")
            try check(try await store.publishedPolicy()?.allowedEnvironment.map(\.name) == ["A", "B"], "variables sorted")
            try await store.publishPolicy(.closed)
            try check(try await store.publishedPolicy() == .closed, "the newest start wins")
        },
        ConformanceCase("tokens_createReadDelete_byHashNameAndID") { store in
            try check(try await store.hasTokens() == false, "a new store has no tokens")
            let ci = try APIToken.make(name: "ci", scopes: ["write", "read"], at: Fixture.t0)
            let stored = try await store.createToken(ci.token)
            try check(stored == ci.token, "createToken returns the token")
            try check(stored.scopes == ["read", "write"], "scopes in canonical order, got \(stored.scopes)")
            try check(try await store.hasTokens(), "hasTokens after a create")
            try check(try await store.token(hash: APIToken.hash(secret: ci.secret)) == ci.token, "the token reads back by its digest")
            try check(try await store.token(hash: APIToken.hash(secret: ci.secret + "x")) == nil, "another digest finds nothing")
            let admin = try APIToken.make(name: "admin", scopes: ["admin"], at: Fixture.at(1))
            _ = try await store.createToken(admin.token)
            try check(try await store.tokens().map(\.name) == ["admin", "ci"], "tokens by name")
            try check(try await store.tokens().allSatisfy { $0.lastUsedAt == nil }, "never used")

            try check(try await store.deleteToken(nameOrID: "ci"), "delete by name")
            try check(try await store.deleteToken(nameOrID: "ci") == false, "a second delete deletes nothing")
            try check(try await store.token(hash: ci.token.hash) == nil, "the deleted token no longer authenticates")
            try check(try await store.deleteToken(nameOrID: admin.token.id), "delete by id")
            try check(try await store.hasTokens() == false, "no tokens left")
            try check(try await store.tokens().isEmpty, "the list is empty")
        },
        ConformanceCase("tokens_duplicateNameOrInvalid_refusedNothingWritten") { store in
            let first = try APIToken.make(name: "ci", scopes: ["read"], at: Fixture.t0)
            _ = try await store.createToken(first.token)
            let again = try APIToken.make(name: "ci", scopes: ["admin"], at: Fixture.t0)
            try await checkThrows(.nameTaken("ci")) { try await store.createToken(again.token) }
            var sameHash = try APIToken.make(name: "other", scopes: ["read"], at: Fixture.t0).token
            sameHash.hash = first.token.hash
            try await checkThrows("ValidationError on hash", { try await store.createToken(sameHash) }) {
                ($0 as? ValidationError)?.fields == ["hash"]
            }
            var bad = try APIToken.make(name: "bad", scopes: ["read"], at: Fixture.t0).token
            bad.scopes = ["read", "root"]
            bad.hash = "NOT-HEX"
            try await checkThrows("ValidationError on scopes[1] and hash", { try await store.createToken(bad) }) {
                ($0 as? ValidationError)?.fields == ["scopes[1]", "hash"]
            }
            try check(try await store.tokens().map(\.name) == ["ci"], "only the first token is stored")
            try check(try await store.tokens().first?.scopes == ["read"], "the first token is unchanged")
        },
        ConformanceCase("tokens_deletedName_isRevoked_untilANewTokenTakesIt") { store in
            let ci = try APIToken.make(name: "ci", scopes: ["write"], at: Fixture.t0)
            _ = try await store.createToken(ci.token)
            try check(try await store.isRevokedTokenName("ci") == false, "a live token's name is not revoked")
            try check(try await store.isRevokedTokenName("cli") == false, "a name that never was a token is not revoked")
            try check(try await store.deleteToken(nameOrID: ci.token.id), "delete by id")
            try check(try await store.isRevokedTokenName("ci"), "the deleted token's name is revoked")
            try check(try await store.deleteToken(nameOrID: "ci") == false, "nothing left to delete")
            try check(try await store.hasTokens() == false, "a revoked name is no token")
            let again = try APIToken.make(name: "ci", scopes: ["admin"], at: Fixture.at(1))
            _ = try await store.createToken(again.token)
            try check(try await store.isRevokedTokenName("ci") == false, "a new token with the name takes it back")
        },
        ConformanceCase("tokens_touch_setsLastUsedNeverBackwards") { store in
            let made = try APIToken.make(name: "ci", scopes: ["run"], at: Fixture.t0)
            _ = try await store.createToken(made.token)
            try await store.touchToken(id: made.token.id, at: Fixture.at(60))
            try check(try await store.token(hash: made.token.hash)?.lastUsedAt == Fixture.at(60), "last_used_at is set")
            try await store.touchToken(id: made.token.id, at: Fixture.at(30))
            try check(try await store.token(hash: made.token.hash)?.lastUsedAt == Fixture.at(60), "an older touch never moves it back")
            try await store.touchToken(id: made.token.id, at: Fixture.at(120.5))
            try check(try await store.tokens().first?.lastUsedAt == Fixture.at(120.5), "a later touch moves it on")
            try await store.touchToken(id: "tok_unknown", at: Fixture.at(200))
            try check(try await store.tokens().count == 1, "touching an unknown id changes nothing")
        },
    ]
}
