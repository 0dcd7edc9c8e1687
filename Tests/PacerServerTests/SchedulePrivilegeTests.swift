import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

/// Write access to schedules cannot be turned into wider rights: command targets and agent
/// targets of `allow_all` agents need `admin`, and each route needs its scope.
@Suite struct SchedulePrivilegeTests {
    static let writer = Caller(name: "ci-bot", scopes: [.write])
    static let admin = Caller(name: "ops", scopes: [.admin])
    static let command: JSONValue = ["kind": "command", "argv": ["/bin/echo", "hi"]]

    func agent(_ bench: APIBench, _ name: String, _ mode: Agent.ApprovalMode) async throws -> Agent {
        try await bench.store.saveAgent(Agent(id: "agt_\(name)", name: name, provider: .openai, baseURL: "http://127.0.0.1:11434/v1",
                                              model: "m", approvalMode: mode, createdAt: APIBench.t0))
    }

    @Test func writer_cannotCreateACommandTarget_403NamingAdmin_andNothingIsStored() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.writer) { client in
            let r = try await APICall.send(client, .post, "/v1/schedules", ["name": "x", "every": "1m", "target": Self.command])
            APICall.expectError(r, .forbidden, code: "forbidden")
            #expect(r.json["error"]?["message"]?.text.contains("'admin'") == true)
            // An HTTP target is fine, and the writer owns it.
            let ok = try await APICall.create(client, ["name": "y", "every": "1m", "target": APICall.hook])
            #expect(ok["owner"] == "ci-bot")
        }
        #expect(try await bench.store.schedules().map(\.name) == ["y"])
        #expect(try await bench.store.revisions(scheduleID: bench.store.schedules()[0].id).first?.author == "ci-bot")
        await bench.close()
    }

    @Test func admin_mayCreateACommandTarget() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            let view = try await APICall.create(client, ["name": "x", "every": "1m", "target": Self.command])
            #expect(view["owner"] == "ops" && view.value(at: "target.kind") == "command")
        }
        await bench.close()
    }

    @Test func writer_agentTargets_needAdminOnlyForAllowAllAgents() async throws {
        let bench = try APIBench.make()
        _ = try await agent(bench, "careful", .denyDangerous)
        _ = try await agent(bench, "wild", .allowAll)
        try await bench.test(as: Self.writer) { client in
            let ok = try await APICall.send(client, .post, "/v1/schedules",
                                            ["name": "a", "every": "1h", "target": ["kind": "agent", "agent": "careful", "prompt": "hi"]])
            #expect(ok.status == .created, "\(ok.text)")
            let no = try await APICall.send(client, .post, "/v1/schedules",
                                            ["name": "b", "every": "1h", "target": ["kind": "agent", "agent": "agt_wild", "prompt": "hi"]])
            APICall.expectError(no, .forbidden, code: "forbidden")
            // Nor can the writer point an existing schedule at the allow_all agent.
            let patch = try await APICall.send(client, .patch, "/v1/schedules/a", ["target": ["agent": "wild"]])
            APICall.expectError(patch, .forbidden, code: "forbidden")
        }
        let stored = try await bench.store.schedules()
        #expect(stored.map(\.name) == ["a"] && stored[0].revision == 1)
        await bench.close()
    }

    @Test func writer_cannotTurnASchedule_intoACommand_norRollBackToOne() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in
            _ = try await APICall.create(client, ["name": "x", "every": "1m", "target": Self.command])
            _ = try await APICall.send(client, .patch, "/v1/schedules/x", ["target": APICall.hook])
        }
        try await bench.test(as: Self.writer) { client in
            APICall.expectError(try await APICall.send(client, .patch, "/v1/schedules/x", ["target": Self.command]), .forbidden, code: "forbidden")
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules/x/rollback", ["revision": 1]), .forbidden, code: "forbidden")
            // Changing an HTTP schedule is fine.
            #expect(try await APICall.send(client, .patch, "/v1/schedules/x", ["every": "2m"]).status == .ok)
        }
        let s = try await bench.store.schedules().first
        #expect(s?.target.kind == .http && s?.revision == 3)
        await bench.close()
    }

    @Test(arguments: [
        (Scope.read, HTTPRequest.Method.get, "/v1/schedules", true), (.read, .post, "/v1/schedules/x/pause", false),
        (.read, .post, "/v1/schedules/x/run", false), (.run, .post, "/v1/schedules/x/run", true),
        (.run, .delete, "/v1/schedules/x", false), (.write, .post, "/v1/schedules/x/run", false),
        (.write, .delete, "/v1/schedules/x", true), (.read, .post, "/v1/preview", true),
        (.read, .post, "/v1/agents", false), (.read, .get, "/v1/runs", true),
    ])
    func routes_checkTheirScope(scope: Scope, method: HTTPRequest.Method, path: String, allowed: Bool) async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Self.admin) { client in _ = try await APICall.create(client, name: "x") }
        try await bench.test(as: Caller(name: "t", scopes: [scope])) { client in
            let body: JSONValue? = path == "/v1/preview" ? ["rule": "every 1m"] : path == "/v1/agents" ? [:] : nil
            let r = try await APICall.send(client, method, path, body)
            if allowed {
                #expect(r.status.code < 300, "\(r.text)")
            } else {
                APICall.expectError(r, .forbidden, code: "forbidden")
            }
        }
        await bench.close()
    }
}
