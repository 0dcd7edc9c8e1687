import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Testing

@Suite struct ScheduleRoutesTests {
    @Test func create_withCronShorthand_returnsTheViewWithStateAndDescription() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, [
                "name": "report", "cron": "0 9 * * 1-5", "timezone": "Europe/Berlin", "target": APICall.hook,
                "notes": "weekday mornings", "policies": ["overlap": "allow"],
            ])
            #expect(view["id"]?.text.hasPrefix("sch_") == true)
            #expect(view["owner"] == "local" && view["revision"] == 1 && view["enabled"] == true)
            #expect(view.value(at: "timing.rule") == "0 9 * * 1-5" && view.value(at: "timing.timezone") == "Europe/Berlin")
            #expect(view.value(at: "target.kind") == "http" && view.value(at: "target.method") == "GET")
            #expect(view.value(at: "policies.overlap") == "allow" && view["notes"] == "weekday mornings")
            #expect(view["created_at"] == "2027-01-15T08:00:00Z" && view["updated_at"] == "2027-01-15T08:00:00Z")
            #expect(view["description"]?.text.isEmpty == false && view["description"] != .null)
            // 2027-01-15 is a Friday; 08:00Z is 09:00 in Berlin, so the next fire is Monday's.
            #expect(view.value(at: "state.next_fire_at") == "2027-01-18T08:00:00Z")
            guard case .object(let state)? = view["state"] else { Issue.record("no state"); return }
            #expect(Set(state.keys) == ["schedule_id", "next_fire_at", "last_fire_at", "last_status", "fire_count",
                                        "consecutive_failures", "paused_reason"])
            #expect(state["last_fire_at"] == .null && state["paused_reason"] == .null && state["fire_count"] == 0)
            let stored = try await bench.store.schedules()
            #expect(stored.map(\.name) == ["report"] && stored[0].owner == "local" && stored[0].id == view["id"]?.text)
            #expect(stored[0].timing.timezone == "Europe/Berlin")
        }
        await bench.close()
    }

    @Test(arguments: [
        (["every": "90s"], "every 90s"), (["every": "2h"], "every 2h"), (["rule": "every day at 09:00"], "every day at 09:00"),
        (["at": "2027-02-01T10:00:00+01:00"], "once 2027-02-01T10:00:00+01:00"),
        (["timing": ["rule": "*/5 * * * *", "jitter": 3]], "*/5 * * * *"),
    ] as [(JSONValue, String)])
    func create_eachWayOfGivingTheRule_storesTimingRule(timing: JSONValue, rule: String) async throws {
        let bench = try APIBench.make()
        guard case .object(var members) = timing else { return }
        members["name"] = "s"
        members["target"] = APICall.hook
        let body = JSONValue.object(members)
        try await bench.test { client in
            let view = try await APICall.create(client, body)
            #expect(view.value(at: "timing.rule") == .string(rule))
            #expect(view.value(at: "state.next_fire_at") != .null)
        }
        #expect(try await bench.store.schedules().first?.timing.rule == rule)
        await bench.close()
    }

    @Test func list_orderedByName_pagedByLimitAndAfter() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            for name in ["delta", "alpha", "Charlie", "bravo"] { _ = try await APICall.create(client, name: name) }
            let all = try await APICall.send(client, .get, "/v1/schedules")
            #expect(all.status == .ok)
            let names = { (r: TestResponse) in (r.json["schedules"] ?? .null).elements.map { $0["name"]?.text ?? "" } }
            #expect(names(all) == ["Charlie", "alpha", "bravo", "delta"])
            #expect(names(try await APICall.send(client, .get, "/v1/schedules?limit=2")) == ["Charlie", "alpha"])
            #expect(names(try await APICall.send(client, .get, "/v1/schedules?limit=2&after=alpha")) == ["bravo", "delta"])
            #expect(names(try await APICall.send(client, .get, "/v1/schedules?after=zulu")) == [])
            #expect((all.json["schedules"] ?? .null).elements.allSatisfy { $0["state"]?["next_fire_at"] != nil && $0["description"] != nil })
        }
        await bench.close()
    }

    @Test func show_byIDOrName_evenWithSpacesInTheName() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, name: "daily report")
            let id = view["id"]!.text
            let byID = try await APICall.send(client, .get, "/v1/schedules/\(id)")
            #expect(byID.status == .ok && byID.json == view)
            let byName = try await APICall.send(client, .get, "/v1/schedules/daily%20report")
            #expect(byName.status == .ok && byName.json["id"] == .string(id))
            APICall.expectError(try await APICall.send(client, .get, "/v1/schedules/nope"), .notFound, code: "not_found")
        }
        await bench.close()
    }

    @Test func oneShot_inThePast_isRefusedWhenSet_notWhenAPatchLeavesItAlone() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, ["name": "once", "at": "2027-01-15T09:00:00Z", "target": APICall.hook])
            let path = "/v1/schedules/\(view["id"]!.text)"
            bench.clock.advance(by: 7200)  // its instant has passed
            let same = try await APICall.send(client, .patch, path, ["at": "2027-01-15T09:00:00Z", "notes": "kept"])
            #expect(same.status == .ok, "an unchanged rule is not checked again: \(same.text)")
            let moved = try await APICall.send(client, .patch, path, ["at": "2027-01-15T09:30:00Z"])
            #expect(moved.status == .unprocessableContent && moved.json.value(at: "error.field") == "at", "\(moved.text)")
            for body: JSONValue in [["name": "r", "rule": "once 2020-01-01T00:00:00Z", "target": APICall.hook],
                                    ["name": "t", "timing": ["rule": "once 2020-01-01T00:00:00Z"], "target": APICall.hook]] {
                let r = try await APICall.send(client, .post, "/v1/schedules", body)
                #expect(r.status == .unprocessableContent && r.json.value(at: "error.message")?.text.contains("is in the past") == true, "\(r.text)")
            }
        }
        await bench.close()
    }

    @Test func patch_changesOnlyWhatIsGiven_asANewRevision() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, ["name": "ping", "cron": "0 * * * *", "timezone": "Europe/Berlin",
                                                         "target": ["kind": "http", "url": "https://example.com/a", "headers": ["X-A": "1"]],
                                                         "notes": "n", "policies": ["overlap": "allow", "timeout_seconds": 30]])
            let path = "/v1/schedules/\(view["id"]!.text)"
            bench.clock.advance(by: 60)
            let r = try await APICall.send(client, .patch, path, [
                "cron": "30 * * * *", "policies": ["timeout_seconds": 60], "target": ["url": "https://example.com/b"], "notes": .null,
            ])
            #expect(r.status == .ok, "\(r.text)")
            let p = r.json
            #expect(p["revision"] == 2 && p["updated_at"] == "2027-01-15T08:01:00Z" && p["created_at"] == view["created_at"])
            #expect(p.value(at: "timing.rule") == "30 * * * *" && p.value(at: "timing.timezone") == "Europe/Berlin")
            #expect(p.value(at: "policies.overlap") == "allow" && p.value(at: "policies.timeout_seconds") == 60)
            #expect(p.value(at: "target.url") == "https://example.com/b" && p.value(at: "target.headers.X-A") == "1")
            #expect(p["notes"] == nil && p["owner"] == "local")
            #expect(p.value(at: "state.next_fire_at") == "2027-01-15T08:30:00Z")
            // A target with a kind replaces the stored one whole.
            let replaced = try await APICall.send(client, .patch, path, ["target": ["kind": "http", "url": "https://example.com/c"]])
            #expect(replaced.json.value(at: "target.headers") == [:] && replaced.json["revision"] == 3)
            // No change: no new revision.
            let same = try await APICall.send(client, .patch, path, ["name": "ping"])
            #expect(same.status == .ok && same.json["revision"] == 3)
            #expect(try await bench.store.revisions(scheduleID: view["id"]!.text).count == 3)
        }
        await bench.close()
    }

    @Test func patch_withAStaleRevision_is409_andChangesNothing() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, name: "ping")
            let path = "/v1/schedules/\(view["id"]!.text)"
            let ok = try await APICall.send(client, .patch, path, ["revision": 1, "every": "2m"])
            #expect(ok.status == .ok && ok.json["revision"] == 2)
            APICall.expectError(try await APICall.send(client, .patch, path, ["revision": 1, "every": "5m"]), .conflict,
                                code: "conflict", field: "revision")
            let stored = try await bench.store.schedule(id: view["id"]!.text)
            #expect(stored?.timing.rule == "every 2m" && stored?.revision == 2)
        }
        await bench.close()
    }

    @Test func delete_removesIt_then404() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, name: "gone")
            let path = "/v1/schedules/\(view["id"]!.text)"
            let r = try await APICall.send(client, .delete, path)
            #expect(r.status == .noContent && r.body.readableBytes == 0)
            APICall.expectError(try await APICall.send(client, .get, path), .notFound, code: "not_found")
            APICall.expectError(try await APICall.send(client, .delete, path), .notFound, code: "not_found")
        }
        #expect(try await bench.store.schedules().isEmpty)
        await bench.close()
    }

    @Test func pauseAndResume_setAndClearTheReason() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, name: "ping")
            let paused = try await APICall.send(client, .post, "/v1/schedules/ping/pause", ["reason": "  maintenance "])
            #expect(paused.status == .ok && paused.json.value(at: "state.paused_reason") == "maintenance")
            let again = try await client.execute(uri: "/v1/schedules/ping/pause", method: .post)
            #expect(again.status == .ok && again.json.value(at: "state.paused_reason") == "paused by local")
            let resumed = try await APICall.send(client, .post, "/v1/schedules/ping/resume")
            #expect(resumed.status == .ok && resumed.json.value(at: "state.paused_reason") == .null)
        }
        let s = try await bench.store.schedules()[0]
        #expect(try await bench.store.state(scheduleID: s.id)?.pausedReason == nil)
        await bench.close()
    }

    @Test func runNow_queuesAManualRun_202() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, name: "ping")
            let first = try await APICall.send(client, .post, "/v1/schedules/ping/run", [:])
            #expect(first.status == .accepted, "\(first.text)")
            #expect(first.json["trigger"] == "manual" && first.json["status"] == "queued" && first.json["attempt"] == 1)
            #expect(first.json["scheduled_at"] == "2027-01-15T08:00:00Z")
            let second = try await client.execute(uri: "/v1/schedules/ping/run", method: .post)
            #expect(second.status == .accepted && second.json["id"] != first.json["id"])
            #expect(second.json["scheduled_at"] == "2027-01-15T08:00:00.001Z")
            let runs = try await APICall.send(client, .get, "/v1/schedules/ping/runs")
            #expect(runs.status == .ok)
            #expect((runs.json["runs"] ?? .null).elements.map { $0["id"] } == [second.json["id"], first.json["id"]])
            let limited = try await APICall.send(client, .get, "/v1/schedules/ping/runs?limit=1")
            #expect((limited.json["runs"] ?? .null).elements.count == 1)
        }
        let s = try await bench.store.schedules()[0]
        #expect(try await bench.store.activeRuns(scheduleID: s.id).count == 2)
        await bench.close()
    }

    @Test func backfill_queuesTheWindowsFiresOnce_202_andRefusesBadWindowsNamingTheField() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            _ = try await APICall.create(client, ["name": "minutely", "cron": "* * * * *", "target": APICall.hook])
            // The bench's clock is 2027-01-15T08:00:00Z.
            let window: [String: JSONValue] = ["from": "2027-01-15T07:55:00Z", "to": "2027-01-15T07:57:30Z", "overlap": "allow"]
            let first = try await APICall.send(client, .post, "/v1/schedules/minutely/backfill", .object(window))
            #expect(first.status == .accepted, "\(first.text)")
            #expect(first.json["queued"] == 3 && first.json["already_run"] == 0 && first.json["excluded"] == 0)
            #expect(first.json["overlap"] == "allow" && (first.json["runs"] ?? .null).elements.count == 3)
            let again = try await APICall.send(client, .post, "/v1/schedules/minutely/backfill", .object(window))
            #expect(again.status == .accepted && again.json["queued"] == 0 && again.json["already_run"] == 3, "\(again.text)")
            for (body, field) in [
                (["from": "2027-01-15T07:00:00Z", "to": "2027-01-15T09:00:00Z"], "to"),
                (["from": "2027-01-15T07:00:00Z", "to": "2027-01-15T06:00:00Z"], "to"),
                (["from": "2027-01-05T00:00:00Z", "to": "2027-01-15T07:00:00Z"], "limit"),
                (["from": "2027-01-15T07:00:00Z", "to": "2027-01-15T07:01:00Z", "limit": 0], "limit"),
                (["from": "2027-01-15T07:00:00Z", "to": "2027-01-15T07:01:00Z", "overlap": "queue"], "overlap"),
                (["to": "2027-01-15T07:01:00Z"], "from"),
                (["from": "2027-01-15T07:00:00Z", "to": "2027-01-15T07:01:00Z", "when": 1], "when"),
            ] as [([String: JSONValue], String)] {
                let refused = try await APICall.send(client, .post, "/v1/schedules/minutely/backfill", .object(body))
                #expect(refused.status == .unprocessableContent && refused.json.value(at: "error.field") == .string(field),
                        "\(body): \(refused.text)")
            }
            let missing = try await APICall.send(client, .post, "/v1/schedules/nope/backfill", .object(window))
            #expect(missing.status == .notFound)
        }
        let s = try await bench.store.schedules()[0]
        let runs = try await bench.store.activeRuns(scheduleID: s.id)
        #expect(runs.map(\.scheduledAt) == [0, 60, 120].map { Date(timeIntervalSince1970: 1_800_000_000 - 300 + $0) })
        #expect(runs.allSatisfy { $0.trigger == .backfill && Backfill.overlap(of: $0) == .allow })
        await bench.close()
    }

    @Test func revisionsAndRollback_restoreAPastDefinition() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let view = try await APICall.create(client, name: "ping")
            let path = "/v1/schedules/\(view["id"]!.text)"
            _ = try await APICall.send(client, .patch, path, ["every": "5m"])
            let revisions = try await APICall.send(client, .get, "\(path)/revisions")
            #expect(revisions.status == .ok)
            guard case .array(let list)? = revisions.json["revisions"] else { Issue.record("\(revisions.text)"); return }
            #expect(list.map { $0["revision"] } == [1, 2])
            #expect(list[0].value(at: "snapshot.timing.rule") == "every 1m" && list[0]["author"] == "local")
            let back = try await APICall.send(client, .post, "\(path)/rollback", ["revision": 1])
            #expect(back.status == .ok, "\(back.text)")
            #expect(back.json["revision"] == 3 && back.json.value(at: "timing.rule") == "every 1m")
        }
        #expect(try await bench.store.schedules()[0].timing.rule == "every 1m")
        await bench.close()
    }
}
