import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

/// Bad schedule input: always a 4xx with the JSON error shape naming the field, and nothing
/// stored.
@Suite struct ScheduleBadInputTests {
    static let hook = APICall.hook

    @Test(arguments: [
        (["every": "1m", "target": hook], "name"),
        (["name": "", "every": "1m", "target": hook], "name"),
        (["name": 123, "every": "1m", "target": hook], "name"),
        (["name": "x", "target": hook], "timing"),
        (["name": "x", "every": "1m"], "target"),
        (["name": "x", "cron": "61 * * * *", "target": hook], "cron"),
        (["name": "x", "timing": ["rule": "every fortnight"], "target": hook], "timing.rule"),
        (["name": "x", "timing": ["rule": 5], "target": hook], "timing.rule"),
        (["name": "x", "timing": "every 1m", "target": hook], "timing"),
        (["name": "x", "every": "1m", "timezone": "Mars/Olympus", "target": hook], "timezone"),
        (["name": "x", "timing": ["rule": "every 1m", "timezone": "Mars/Olympus"], "target": hook], "timing.timezone"),
        (["name": "x", "every": "5 parsecs", "target": hook], "every"),
        (["name": "x", "every": "0s", "target": hook], "every"),
        (["name": "x", "every": "99999999999999999999d", "target": hook], "every"),
        (["name": "x", "every": 60, "target": hook], "every"),
        (["name": "x", "at": "tomorrow", "target": hook], "at"),
        (["name": "x", "at": "2027-01-15T07:59:59Z", "target": hook], "at"),
        (["name": "x", "cron": "* * * * *", "every": "1m", "target": hook], "cron"),
        (["name": "x", "cron": "* * * * *", "timing": ["rule": "every 1m"], "target": hook], "cron"),
        (["name": "x", "every": "1m", "target": ["kind": "carrier_pigeon"]], "target.kind"),
        (["name": "x", "every": "1m", "target": ["url": "https://example.com"]], "target.kind"),
        (["name": "x", "every": "1m", "target": ["kind": "http", "url": "ftp://example.com"]], "target.url"),
        (["name": "x", "every": "1m", "target": ["kind": "http", "urll": "https://example.com"]], "target.url"),
        (["name": "x", "every": "1m", "target": ["kind": "http", "url": "https://example.com", "verb": "GET"]], "target.verb"),
        (["name": "x", "every": "1m", "target": ["kind": "command", "argv": []]], "target.argv"),
        (["name": "x", "every": "1m", "target": ["kind": "agent", "agent": "ghost", "prompt": "hi"]], "target.agent"),
        (["name": "x", "every": "1m", "target": hook, "policies": ["overlap": "sometimes"]], "policies.overlap"),
        (["name": "x", "every": "1m", "target": hook, "policies": ["retry": ["max_attempts": 1e20]]], "policies.retry.max_attempts"),
        (["name": "x", "every": "1m", "target": hook, "policies": ["catchup_limit": 2.5]], "policies.catchup_limit"),
        (["name": "x", "every": "1m", "target": hook, "policies": ["timeout_seconds": -1]], "policies.timeout_seconds"),
        (["name": "x", "timing": ["rule": "every 1m", "jitter": 1e300], "target": hook], "timing.jitter"),
        (["name": "x", "timing": ["rule": "every 1m", "max_fires": 0], "target": hook], "timing.max_fires"),
        (["name": "x", "timing": ["rule": "every 1m", "anchor": "yesterday"], "target": hook], "timing.anchor"),
        (["name": "x", "every": "1m", "target": hook, "enabled": "yes"], "enabled"),
        (["name": "x", "every": "1m", "target": hook, "colour": "blue"], "colour"),
        (["name": "x", "every": "1m", "target": hook, "delivery": ["kind": "email"]], "delivery.smtp_host"),
        (["name": "x", "every": "1m", "target": hook, "dispatch": ["mode": "per_item"]], "dispatch.source"),
        (["name": .string(String(repeating: "n", count: 201)), "every": "1m", "target": hook], "name"),
    ] as [(JSONValue, String)])
    func create_invalid_is422NamingTheField_andStoresNothing(body: JSONValue, field: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/schedules", body)
            APICall.expectError(r, .unprocessableContent, code: "invalid", field: field)
        }
        #expect(try await bench.store.schedules().isEmpty)
        await bench.close()
    }

    @Test func create_invalid_namesEveryFieldAtFault() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/schedules", [
                "name": "x", "cron": "61 * * * *", "target": ["kind": "http", "url": "nope"], "policies": ["overlap": "sometimes"],
            ])
            APICall.expectError(r, .unprocessableContent, code: "invalid")
            let fields = (r.json["error"]?["fields"] ?? .null).elements.compactMap { $0["field"]?.text }
            #expect(Set(fields) == ["cron", "target.url", "policies.overlap"])
        }
        await bench.close()
    }

    @Test(arguments: ["{", "[]", "\"schedule\"", "", "{\"name\": 1e400}", "null"])
    func create_notAJSONObject_is400(raw: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules", raw: raw), .badRequest, code: "bad_request")
        }
        #expect(try await bench.store.schedules().isEmpty)
        await bench.close()
    }

    @Test func create_aTakenName_is409() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, name: "ping")
            APICall.expectError(try await APICall.send(client, .post, "/v1/schedules", ["name": "ping", "every": "5m", "target": Self.hook]),
                                .conflict, code: "conflict", field: "name")
        }
        #expect(try await bench.store.schedules().count == 1)
        await bench.close()
    }

    @Test func create_ignoresWhatTheServerSets() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, ["name": "x", "every": "1m", "target": Self.hook, "id": "sch_mine", "owner": "root",
                                                         "revision": 7, "created_at": "2000-01-01T00:00:00Z", "state": [:], "description": "d"])
            #expect(view["id"] != "sch_mine" && view["owner"] == "local" && view["revision"] == 1)
            #expect(view["created_at"] == "2027-01-15T08:00:00Z")
        }
        await bench.close()
    }

    @Test(arguments: [
        (["cron": "61 * * * *"], 422, "cron"), (["timing": ["rule": "every fortnight"]], 422, "timing.rule"),
        (["name": .null], 422, "name"), (["target": ["kind": "command"]], 422, "target.argv"),
        (["revision": "one"], 422, "revision"), (["revision": 0], 422, "revision"), (["revision": 2], 409, "revision"),
        (["wat": 1], 422, "wat"), (["policies": ["overlap": 3]], 422, "policies.overlap"),
    ] as [(JSONValue, Int, String)])
    func patch_invalid_isRefused_andChangesNothing(body: JSONValue, status: Int, field: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, name: "ping")
            let r = try await APICall.send(client, .patch, "/v1/schedules/\(view["id"]!.text)", body)
            APICall.expectError(r, HTTPResponse.Status(code: status), field: field)
        }
        let stored = try await bench.store.schedules()
        #expect(stored.count == 1 && stored[0].revision == 1 && stored[0].timing.rule == "every 1m")
        await bench.close()
    }

    @Test(arguments: ["/v1/schedules/%00", "/v1/schedules/..%2F..%2Fetc", "/v1/schedules/%E2%9C%93",
                      "/v1/schedules/" + String(repeating: "a", count: 3000), "/v1/schedules/%zz",
                      "/v1/schedules/x/runs", "/v1/schedules/x/revisions"])
    func paths_withOddIDs_are404(path: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            APICall.expectError(try await APICall.send(client, .get, path), .notFound, code: "not_found")
            APICall.expectError(try await APICall.send(client, .post, path.hasSuffix("runs") || path.hasSuffix("revisions") ? "/v1/schedules/x/run" : path + "/run"),
                                .notFound, code: "not_found")
        }
        await bench.close()
    }

    @Test(arguments: [
        ("/rollback", "{\"revision\": 0}", 422, "revision"), ("/rollback", "{\"revision\": \"1\"}", 422, "revision"),
        ("/rollback", "{}", 422, "revision"), ("/rollback", "{\"revision\": 99}", 404, "revision"),
        ("/rollback", "{\"revision\": 1, \"why\": 2}", 422, "why"), ("/rollback", "", 400, nil),
        ("/pause", "{\"reason\": \"\"}", 422, "reason"), ("/pause", "{\"reason\": 5}", 422, "reason"),
        ("/pause", "{\"why\": \"x\"}", 422, "why"), ("/pause", "{oops", 400, nil), ("/pause", "[1]", 400, nil),
    ] as [(String, String, Int, String?)])
    func actions_withBadBodies_areRefused(action: String, raw: String, status: Int, field: String?) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, name: "ping")
            let r = try await APICall.send(client, .post, "/v1/schedules/ping\(action)", raw: raw)
            APICall.expectError(r, HTTPResponse.Status(code: status), field: field)
        }
        let s = try await bench.store.schedules()[0]
        #expect(s.revision == 1)
        #expect(try await bench.store.state(scheduleID: s.id)?.pausedReason == nil)
        await bench.close()
    }

    @Test(arguments: ["limit=0", "limit=1001", "limit=abc", "limit=99999999999999999999999"])
    func runs_badLimit_is400NamingIt(query: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, name: "ping")
            APICall.expectError(try await APICall.send(client, .get, "/v1/schedules/ping/runs?\(query)"), .badRequest, field: "limit")
            APICall.expectError(try await APICall.send(client, .get, "/v1/schedules?\(query)"), .badRequest, field: "limit")
        }
        await bench.close()
    }
}
