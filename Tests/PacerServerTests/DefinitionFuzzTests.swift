import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Recurrence
import Testing

/// A fuzzing pass over the shared decoder, beyond Schemathesis: random and extreme values in
/// every field of every definition type (schedules with each target, dispatch, policy, cap and
/// delivery; agents; tokens). Each request must end in a 4xx that names a field, or in a
/// stored definition that reads back the same; never a crash or a 5xx.
@Suite(.serialized) struct DefinitionFuzzTests {
    /// Valid definitions that together hold every field.
    static let templates: [(path: String, body: JSONValue)] = [
        ("/v1/schedules", [
            "name": "http", "every": "30s", "timezone": "Europe/Berlin", "notes": "n",
            "target": ["kind": "http", "method": "POST", "url": "https://example.com/hook", "headers": ["X-Team": "ops"],
                       "headers_from_env": ["Authorization": "TOKEN"], "body": "{{item.id}}"],
            "dispatch": ["mode": "per_item", "source": ["kind": "static", "items": [["id": 1]]], "item_key": "id", "max_items_per_fire": 5,
                         "notify": ["kind": "webhook", "url": "https://example.com/n"]],
            "policies": ["overlap": "allow", "misfire": "run_all", "misfire_grace": 60, "catchup_limit": 5, "timeout_seconds": 60,
                         "pause_after_failures": 3, "keep_last": 10, "exclusions": ["0 0 25 12 *"],
                         "retry": ["max_attempts": 3, "backoff_base_seconds": 10, "backoff_factor": 2, "backoff_cap_seconds": 600,
                                   "jitter_fraction": 0.5]],
            "caps": ["max_resumes": 5, "max_lifetime_hours": 24, "max_total_tokens": 10000, "max_cost": 1.5],
            "delivery": ["kind": "webhook", "url": "https://example.com/d", "headers_from_env": ["X-Key": "TOKEN"]],
        ]),
        ("/v1/schedules", [
            "name": "cmd", "timing": ["rule": "0 9 * * 1-5", "timezone": "UTC", "anchor": "2026-01-01T00:00:00Z",
                                      "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z", "max_fires": 100, "jitter": 30],
            "target": ["kind": "command", "argv": ["/bin/echo", "hi"], "env": ["MODE": "x"], "working_dir": "/tmp", "shell": false],
            "dispatch": ["mode": "single", "source": ["kind": "http", "url": "https://example.com/items", "headers": ["A": "b"]]],
            "delivery": ["kind": "log", "path": "/tmp/pacer-fuzz.log"],
        ]),
        ("/v1/schedules", [
            "name": "mon", "every": "1m",
            "target": ["kind": "monitor", "interval_seconds": 30, "max_attempts": 10, "on_success_message": "done {result}",
                       "on_failure_message": "failed", "on_complete": "notify",
                       "check": ["kind": "poll_url", "method": "GET", "url": "https://example.com/status", "expected_status": 200,
                                 "condition": ["kind": "json_path", "path": "$.state", "op": "eq", "value": "done"]]],
            "delivery": ["kind": "slack", "webhook_url": "https://hooks.example.com/x"],
        ]),
        ("/v1/schedules", [
            "name": "delay", "at": "2030-01-01T00:00:00Z",
            "target": ["kind": "monitor", "check": ["kind": "delay", "seconds": 60]],
            "delivery": ["kind": "telegram", "bot_token_env": "TOKEN", "chat_id": "42", "base_url": "https://api.telegram.org"],
        ]),
        ("/v1/schedules", [
            "name": "mail", "cron": "*/5 * * * *",
            "target": ["kind": "monitor", "check": ["kind": "poll_tool", "server": "s", "tool": "t", "arguments": ["a": 1],
                                                    "success_field": "ok", "success_values": [true]]],
            "delivery": ["kind": "email", "smtp_host": "mail.example.com", "smtp_port": 587, "security": "starttls", "username": "u",
                         "password_env": "TOKEN", "from": "a@example.com", "to": ["b@example.com"], "subject": "{{schedule.name}}"],
        ]),
        ("/v1/agents", [
            "name": "fuzz-agent", "provider": "openai", "base_url": "https://api.example.com/v1", "model": "m", "api_key_env": "TOKEN",
            "system_prompt": "s", "tools": ["run_history"], "mcp_servers": ["time"], "mcp_safe_servers": ["time"], "max_turns": 5,
            "input_price_per_million": 1, "output_price_per_million": 2, "approval_mode": "deny_dangerous",
        ]),
        ("/v1/tokens", ["name": "fuzz-token", "scopes": ["read", "write"]]),
    ]

    /// Values that have broken validators elsewhere: huge, tiny, negative, fractional, wrong
    /// types, long and invisible text.
    static let extremes: [JSONValue] = [
        .number(1e300), .number(-1e300), .number(0), .number(-1), .number(0.5), .number(9.3e18),
        .number(18_446_744_073_709_551_616), .number(4e18), .number(2_592_001), .number(1e-300), .null, .bool(true),
        .string(""), .string(" "), .string(String(repeating: "x", count: 20_000)), .string("\u{202E}evil"), .string("a\u{0}b"),
        .string("99999999999999999999s"), .string("1e300"), .string("../../etc/passwd"), .string("sch_01jq3v7m2k8x9c4d5e6f7g8h9j"),
        .array([]), .array(Array(repeating: .string("x"), count: 300)), .object([:]), .object(["kind": "nope"]),
    ]

    @Test func randomAndExtremeValues_inEveryField_end4xxNamingAField_orRoundTrip() async throws {
        let bench = try APIBench.make()
        try await bench.test(as: Caller(name: "fuzz", scopes: [.admin])) { client in
            var random = SplitMix(seed: 0x5eed_1234)
            var outcomes: [Int: Int] = [:]
            for i in 0..<500 {
                let template = Self.templates[Int(random.next() % UInt64(Self.templates.count))]
                let leaves = Self.leaves(template.body, at: [])
                var body = template.body
                for _ in 0...(random.next() % 3) {
                    let leaf = leaves[Int(random.next() % UInt64(leaves.count))]
                    let value = Self.extremes[Int(random.next() % UInt64(Self.extremes.count))]
                    body = body.replacing(at: leaf, with: value)
                }
                body = body.replacing(at: ["name"], with: .string("fuzz-\(i)"))
                let r = try await APICall.send(client, .post, template.path, body)
                outcomes[Int(r.status.code), default: 0] += 1
                let where_ = "\(template.path) \(String(describing: body).prefix(600))"
                #expect(r.status.code < 500, "\(where_) -> \(r.text)")
                if r.status == .created {
                    try await Self.expectRoundTrip(r.json, path: template.path, client: client, bench: bench)
                } else {
                    #expect((400..<500).contains(Int(r.status.code)), "\(where_) -> \(r.status)")
                    let field = r.json["error"]?["field"]?.text ?? ""
                    #expect(!field.isEmpty || r.status == .badRequest, "no field: \(where_) -> \(r.text)")
                }
            }
            // Both outcomes happened (the pass is not all refusals or all acceptances).
            #expect((outcomes[201] ?? 0) > 10 && (outcomes[422] ?? 0) > 50, "\(outcomes)")
        }
        await bench.close()
    }

    /// A stored definition reads back as it was answered, and the store can evaluate it.
    static func expectRoundTrip(_ created: JSONValue, path: String, client: any TestClientProtocol, bench: APIBench) async throws {
        guard path != "/v1/tokens", let id = created["id"]?.text else { return }
        let read = try await APICall.send(client, .get, "\(path)/\(id)")
        #expect(read.status == .ok)
        if path == "/v1/schedules" {
            #expect(read.json["timing"] == created["timing"] && read.json["target"] == created["target"]
                    && read.json["policies"] == created["policies"] && read.json["delivery"] == created["delivery"])
            let stored = try #require(try await bench.store.schedule(id: id))
            #expect(stored.validate() == [])
            _ = try? stored.cadence().next(after: APIBench.t0)
            #expect(try await bench.store.deleteSchedule(id: id))
        } else {
            #expect(read.json == created)
            let stored = try #require(try await bench.store.agent(id: id))
            #expect(stored.validate() == [])
            #expect(try await bench.store.deleteAgent(id: id))
        }
    }

    /// Every path to a scalar or an empty container, plus every object member itself.
    static func leaves(_ value: JSONValue, at path: [String]) -> [[String]] {
        switch value {
        case .object(let o) where !o.isEmpty:
            return o.keys.sorted().flatMap { [path + [$0]] + leaves(o[$0]!, at: path + [$0]) }
        case .array(let a) where !a.isEmpty:
            return a.indices.flatMap { [path + ["\($0)"]] + leaves(a[$0], at: path + ["\($0)"]) }
        default:
            return [path]
        }
    }
}

/// A small seeded generator, so a failing case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
