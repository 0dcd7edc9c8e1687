import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Testing

@Suite struct AgentRoutesTests {
    static let local: JSONValue = ["name": "helper", "base_url": "http://127.0.0.1:11434/v1", "model": "qwen3", "tools": ["schedules"]]

    @Test func create_list_show_update_delete() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let created = try await APICall.send(client, .post, "/v1/agents", Self.local)
            #expect(created.status == .created, "\(created.text)")
            let a = created.json
            #expect(a["id"]?.text.hasPrefix("agt_") == true && a["provider"] == "openai" && a["max_turns"] == 20)
            #expect(a["approval_mode"] == "deny_dangerous" && a["tools"] == ["schedules"] && a["created_at"] == "2027-01-15T08:00:00Z")
            let claude = try await APICall.send(client, .post, "/v1/agents",
                                                ["name": "claude", "provider": "anthropic", "model": "claude-x", "api_key_env": "ANTHROPIC_API_KEY"])
            #expect(claude.status == .created && claude.json["base_url"] == "https://api.anthropic.com")
            #expect(claude.json["api_key_env"] == "ANTHROPIC_API_KEY")
            let list = try await APICall.send(client, .get, "/v1/agents")
            if case .array(let agents)? = list.json["agents"] { #expect(Set(agents.compactMap { $0["name"]?.text }) == ["helper", "claude"]) }
            #expect(try await APICall.send(client, .get, "/v1/agents/helper").json == a)
            #expect(try await APICall.send(client, .get, "/v1/agents/\(a["id"]!.text)").json == a)
            bench.clock.advance(by: 5)
            let changed = try await APICall.send(client, .patch, "/v1/agents/helper", ["max_turns": 40, "tools": .null, "system_prompt": "Be brief."])
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.json["max_turns"] == 40 && changed.json["tools"] == [] && changed.json["system_prompt"] == "Be brief.")
            #expect(changed.json["updated_at"] == "2027-01-15T08:00:05Z" && changed.json["id"] == a["id"])
            let deleted = try await APICall.send(client, .delete, "/v1/agents/helper")
            #expect(deleted.status == .noContent)
            APICall.expectError(try await APICall.send(client, .get, "/v1/agents/helper"), .notFound, code: "not_found")
        }
        #expect(try await bench.store.agents().map(\.name) == ["claude"])
        await bench.close()
    }

    /// `agent` with `prompt` is the agent target's shorthand, as on every surface; its fields
    /// are named as given.
    @Test func schedule_agentShorthand_isAnAgentTarget_andErrorsNameIt() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.send(client, .post, "/v1/agents", Self.local)
            let created = try await APICall.create(client, ["name": "triage", "every": "1h", "agent": "helper", "prompt": "go"])
            #expect(created["target"] == ["kind": "agent", "agent": "helper", "prompt": "go"])
            let changed = try await APICall.send(client, .patch, "/v1/schedules/triage", ["prompt": "go again"])
            #expect(changed.json["target"]?["prompt"] == "go again" && changed.json["target"]?["agent"] == "helper", "\(changed.text)")
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules",
                                                       ["name": "x", "every": "1h", "agent": "nobody", "prompt": "go"]), .unprocessableContent, field: "agent")
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules",
                                                       ["name": "x", "every": "1h", "agent": "helper", "target": ["kind": "agent", "agent": "helper", "prompt": "p"]]),
                                .unprocessableContent, field: "agent")
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules", ["name": "x", "every": "1h", "agent": "helper"]),
                                .unprocessableContent, field: "prompt")
        }
        #expect(try await bench.store.schedules().map(\.name) == ["triage"])
        await bench.close()
    }

    @Test func delete_whileSchedulesTargetIt_is409_unlessForced() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.send(client, .post, "/v1/agents", Self.local)
            _ = try await APICall.create(client, ["name": "triage", "every": "1h", "target": ["kind": "agent", "agent": "helper", "prompt": "go"]])
            let refused = try await APICall.send(client, .delete, "/v1/agents/helper")
            APICall.expectError(refused, .conflict, code: "conflict")
            #expect(refused.json["error"]?["message"]?.text.contains("'triage'") == true)
            APICall.expectError(try await APICall.send(client, .delete, "/v1/agents/helper?force=maybe"), .badRequest, field: "force")
            #expect(try await APICall.send(client, .delete, "/v1/agents/helper?force=true").status == .noContent)
        }
        #expect(try await bench.store.agents().isEmpty)
        await bench.close()
    }

    @Test(arguments: [
        (["base_url": "http://x", "model": "m"], "name"), (["name": "a", "model": "m"], "base_url"),
        (["name": "a", "base_url": "ftp://x", "model": "m"], "base_url"), (["name": "a", "base_url": "http://x"], "model"),
        (["name": "a", "base_url": "http://x", "model": "m", "provider": "gemini"], "provider"),
        (["name": "a", "base_url": "http://x", "model": "m", "max_turns": 0], "max_turns"),
        (["name": "a", "base_url": "http://x", "model": "m", "max_turns": 1e30], "max_turns"),
        (["name": "a", "base_url": "http://x", "model": "m", "approval_mode": "yolo"], "approval_mode"),
        (["name": "a", "base_url": "http://x", "model": "m", "tools": ["two words"]], "tools[0]"),
        (["name": "a", "base_url": "http://x", "model": "m", "temperature": 1], "temperature"),
        (["name": "a", "base_url": "http://x", "model": "m", "input_price_per_million": -1], "input_price_per_million"),
    ] as [(JSONValue, String)])
    func create_invalid_is422NamingTheField_andStoresNothing(body: JSONValue, field: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            APICall.expectError(try await APICall.send(client, .post, "/v1/agents", body), .unprocessableContent, code: "invalid", field: field)
        }
        #expect(try await bench.store.agents().isEmpty)
        await bench.close()
    }

    @Test(arguments: ["sk-proj-abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz0123456789ABCD", "not a name"])
    func create_aKeyInPlaceOfItsVariable_isRefused_withoutRepeatingIt(secret: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            var body = Self.local
            if case .object(var o) = body { o["api_key_env"] = .string(secret); body = .object(o) }
            let r = try await APICall.send(client, .post, "/v1/agents", body)
            APICall.expectError(r, .unprocessableContent, code: "invalid", field: "api_key_env")
            #expect(!r.text.contains(secret))
            if case .object(var o) = Self.local { o["api_key"] = .string(secret); body = .object(o) }
            let key = try await APICall.send(client, .post, "/v1/agents", body)
            APICall.expectError(key, .unprocessableContent, code: "invalid", field: "api_key")
            #expect(!key.text.contains(secret))
        }
        #expect(try await bench.store.agents().isEmpty)
        await bench.close()
    }

    @Test func create_aTakenName_is409_andRenamingOntoOne_is409() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.send(client, .post, "/v1/agents", Self.local)
            APICall.expectError(try await APICall.send(client, .post, "/v1/agents", Self.local), .conflict, field: "name")
            var other = Self.local
            if case .object(var o) = other { o["name"] = "other"; other = .object(o) }
            _ = try await APICall.send(client, .post, "/v1/agents", other)
            APICall.expectError(try await APICall.send(client, .patch, "/v1/agents/other", ["name": "helper"]), .conflict, field: "name")
            APICall.expectError(try await APICall.send(client, .patch, "/v1/agents/other", ["max_turns": "many"]), .unprocessableContent,
                                field: "max_turns")
            APICall.expectError(try await APICall.send(client, .patch, "/v1/agents/ghost", ["max_turns": 3]), .notFound)
        }
        #expect(try await bench.store.agents().count == 2)
        await bench.close()
    }

    @Test func allowAll_needsAdmin_toCreateOrSwitchTo() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Caller(name: "w", scopes: [.write])) { client in
            var wild = Self.local
            if case .object(var o) = wild { o["approval_mode"] = "allow_all"; wild = .object(o) }
            APICall.expectError(try await APICall.send(client, .post, "/v1/agents", wild), .forbidden, code: "forbidden")
            #expect(try await APICall.send(client, .post, "/v1/agents", Self.local).status == .created)
            APICall.expectError(try await APICall.send(client, .patch, "/v1/agents/helper", ["approval_mode": "allow_all"]), .forbidden)
        }
        try await bench.test(as: Caller(name: "root", scopes: [.admin])) { client in
            let r = try await APICall.send(client, .patch, "/v1/agents/helper", ["approval_mode": "allow_all"])
            #expect(r.status == .ok)
        }
        #expect(try await bench.store.agents().map(\.approvalMode) == [.allowAll])
        await bench.close()
    }
}
