import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PacerCore
import PacerStore
import PacerTesting
import Testing

@Suite struct TokensCommandTests {
    @Test func tokens_createListRm_roundTrip() async throws {
        let ws = try Workspace()
        let create = try await ws.pacer("tokens", "create", "ci", "--scope", "run", "--scope", "write")
        #expect(create.status == 0, "\(create.stderr)")
        let lines = create.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("created token 'ci' (tok_") == true, "\(create.stdout)")
        #expect(lines.first?.hasSuffix("with scopes: write, run") == true)
        let secret = try #require(lines.first { $0.hasPrefix("pacer_") })
        #expect(secret.wholeMatch(of: /pacer_[0-9a-z]{40}/) != nil)
        #expect(create.stdout.contains("will not be shown again"))

        let json = try await ws.pacer("tokens", "create", "admin", "--scope", "admin,read", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let created = try #require(try json.json() as? [String: Any])
        #expect(Set(created.keys) == ["id", "name", "scopes", "created_at", "token"])
        #expect(created["name"] as? String == "admin")
        #expect(created["scopes"] as? [String] == ["read", "admin"])
        let adminSecret = try #require(created["token"] as? String)

        let stored = try await ws.withStore { try await $0.tokens() }
        #expect(stored.map(\.name) == ["admin", "ci"])
        #expect(stored[1].hash == APIToken.hash(secret: secret) && stored[0].hash == APIToken.hash(secret: adminSecret))
        #expect(stored[1].scopes == ["write", "run"])

        let list = try await ws.pacer("tokens", "list")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.rows.first == ["NAME", "ID", "SCOPES", "CREATED", "LAST USED"])
        #expect(list.rows.contains { $0.first == "ci" && $0.contains(stored[1].id) && $0.contains("write,run") && $0.last == "never" },
                "\(list.stdout)")
        #expect(!list.stdout.contains(secret) && !list.stdout.contains(stored[1].hash))
        let listJSON = try await ws.pacer("tokens", "list", "--json")
        let items = try #require(try listJSON.json() as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["admin", "ci"])
        #expect(items.allSatisfy { $0["hash"] == nil && $0["token"] == nil && $0["id"] != nil && $0["created_at"] != nil })
        #expect(!listJSON.stdout.contains(secret) && !listJSON.stdout.contains(stored[1].hash))

        let rm = try await ws.pacer("tokens", "rm", "ci")
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect(rm.stdout.hasPrefix("deleted token 'ci' (\(stored[1].id))"))
        let rmByID = try await ws.pacer("tokens", "rm", stored[0].id)
        #expect(rmByID.status == 0, "\(rmByID.stderr)")
        #expect(rmByID.stdout.contains("no tokens left"))
        #expect(try await ws.withStore { try await $0.hasTokens() } == false)
        let unknown = try await ws.pacer("tokens", "rm", "ci")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no token named 'ci'"))
        let empty = try await ws.pacer("tokens", "list")
        #expect(empty.status == 0 && empty.stdout.hasPrefix("no tokens"))
    }

    @Test(arguments: [
        (["tokens", "create", "ci", "--scope", "root"], "--scope", "'root' is not a scope"),
        (["tokens", "create", "ci", "--scope", "read", "--scope", "Admin"], "--scope", "'Admin' is not a scope"),
        (["tokens", "create", "ci"], "--scope", "at least one scope"),
        (["tokens", "create", "ci", "--scope", ","], "--scope", "at least one scope"),
        (["tokens", "create", "a b", "--scope", "read"], "NAME", "must be letters, digits"),
        (["tokens", "create", "local", "--scope", "read"], "NAME", "reserved"),
        (["tokens", "create", "--scope", "read"], "<name>", "Missing expected argument"),
    ])
    func tokens_createBadInput_exits2NamingTheFlag_storesNothing(arguments: [String], flag: String, message: String) async throws {
        let ws = try Workspace()
        let r = try await ws.pacerRaw(arguments + ["--database", ws.database])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(flag) && r.stderr.contains(message), "stderr was: \(r.stderr)")
        if FileManager.default.fileExists(atPath: ws.database) {
            #expect(try await ws.withStore { try await $0.hasTokens() } == false)
        }
    }

    @Test func tokens_createDuplicateName_exits2_keepsTheFirst() async throws {
        let ws = try Workspace()
        #expect(try await ws.pacer("tokens", "create", "ci", "--scope", "read").status == 0)
        let again = try await ws.pacer("tokens", "create", "ci", "--scope", "admin")
        #expect(again.status == 2)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("NAME") && again.stderr.contains("a token named 'ci' exists already"), "\(again.stderr)")
        let stored = try await ws.withStore { try await $0.tokens() }
        #expect(stored.map(\.scopes) == [["read"]])
    }
}

/// `pacer serve` off loopback: refused without a token, guarded by one with it.
@Suite(.serialized, .timeLimit(.minutes(2))) struct TokensServeTests {
    @Test func serve_nonLoopbackHostWithoutToken_exits2NamingHost() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let serve = try ServeProcess(database: dir.appendingPathComponent("pacer.db").path, extra: ["--host", "0.0.0.0"])
        #expect(try await serve.waitForExit() == 2)
        #expect(serve.output.contains(
            "pacer: --host: 0.0.0.0 is not a loopback address; create a token first (pacer tokens create NAME --scope admin) "
                + "so the API is not open to the network"), "\(serve.output)")
        #expect(!serve.output.contains("listening"))
    }

    @Test func serve_nonLoopbackHostWithToken_startsAndRequiresTheToken() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        let create = try await CLI.run(["tokens", "create", "ops", "--scope", "read", "--json", "--database", db])
        #expect(create.status == 0, "\(create.stderr)")
        let secret = try #require((try JSONSerialization.jsonObject(with: Data(create.stdout.utf8)) as? [String: Any])?["token"] as? String)

        let serve = try ServeProcess(database: db, extra: ["--host", "0.0.0.0"])
        var port: String?
        try await eventually("serve listens") {
            guard serve.program.isRunning else { throw ServeFailure("serve exited:\n\(serve.output)") }
            port = serve.output.firstMatch(of: /http:\/\/0\.0\.0\.0:(\d+)/).map { String($0.1) }
            return port != nil
        }
        let url = URL(string: "http://127.0.0.1:\(port!)/v1/tokens")!
        let (_, anonymous) = try await URLSession.shared.data(from: url)
        #expect((anonymous as? HTTPURLResponse)?.statusCode == 401)
        var request = URLRequest(url: url)
        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        let (_, readOnly) = try await URLSession.shared.data(for: request)
        #expect((readOnly as? HTTPURLResponse)?.statusCode == 403, "a read token may not list tokens")
        let (_, health) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port!)/healthz")!)
        #expect((health as? HTTPURLResponse)?.statusCode == 200)
        #expect(!serve.output.contains(secret), "the secret is never logged")

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }

    /// A schedule owned by a token runs with that token's scopes at every run: a command
    /// schedule of a writer (written straight to the store) is refused by serve, and runs
    /// once the token is an admin's.
    @Test func serve_commandOwnedByAWriterToken_isRefusedAtRunTime_namingTheScope() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("pacer.db").path
        #expect(try await CLI.run(["tokens", "create", "ci", "--scope", "write,run", "--database", db]).status == 0)
        // Before any server allowed commands, the CLI refuses them too.
        let early = try await CLI.run(["schedule", "add", "--name", "build", "--every", "1h", "--command", "/bin/true", "--database", db])
        #expect(early.status == 2 && early.stderr.contains("commands are off"), "\(early.stderr)")
        let serve = try ServeProcess(database: db, extra: ["--allow-commands"])
        _ = try await serve.waitUntilListening()
        let add = try await CLI.run(["schedule", "add", "--name", "build", "--every", "1h", "--owner", "ci",
                                     "--command", "/bin/true", "--database", db])
        #expect(add.status == 0, "\(add.stderr)")

        let refused = try await CLI.run(["schedule", "run", "build", "--wait", "--database", db])
        #expect(refused.status != 0)
        let history = try await CLI.run(["schedule", "history", "build", "--json", "--database", db])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.first?["status"] as? String == "failed")
        #expect((runs.first?["error"] as? String)?.contains("owner 'ci' is a token without the 'admin' scope") == true,
                "\(runs.first ?? [:])")

        // A deleted token's schedules keep no rights at all, even for an HTTP target.
        #expect(try await CLI.run(["tokens", "create", "gone", "--scope", "write", "--database", db]).status == 0)
        #expect(try await CLI.run(["schedule", "add", "--name", "hook", "--every", "1h", "--owner", "gone",
                                   "--http", "http://127.0.0.1:1/", "--database", db]).status == 0)
        #expect(try await CLI.run(["tokens", "rm", "gone", "--database", db]).status == 0)
        _ = try await CLI.run(["schedule", "run", "hook", "--wait", "--database", db])
        let hook = try await CLI.run(["schedule", "history", "hook", "--json", "--database", db])
        let hookRuns = try #require(try JSONSerialization.jsonObject(with: Data(hook.stdout.utf8)) as? [[String: Any]])
        #expect((hookRuns.first?["error"] as? String)?.contains("owner 'gone' was a token that has been deleted") == true,
                "\(hookRuns.first ?? [:])")

        // An owner that names no token (the CLI's default) keeps its rights.
        #expect(try await CLI.run(["schedule", "edit", "build", "--owner", "cli", "--database", db]).status == 0)
        let ran = try await CLI.run(["schedule", "run", "build", "--wait", "--database", db])
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)\n\(serve.output)")

        serve.signal(SIGTERM)
        #expect(try await serve.waitForExit() == 0)
    }
}
