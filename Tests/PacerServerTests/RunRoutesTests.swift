import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

@Suite struct RunRoutesTests {
    /// Two schedules with runs at t0 + minutes: `a` at 1 (succeeded), 3 (queued); `b` at 2 (failed), 4 (queued).
    func seed(_ bench: APIBench) async throws -> [String: Run] {
        let store = bench.store
        var out: [String: Run] = [:]
        for name in ["a", "b"] {
            _ = try await store.createSchedule(Schedule(id: "sch_\(name)", name: name, owner: "local", timing: ScheduleTiming(rule: "every 1h"),
                                                        target: .http(HTTPTarget(url: "https://example.com")), createdAt: APIBench.t0),
                                               author: "local")
        }
        for (key, schedule, minute, finish) in [("a1", "sch_a", 1, Run.Status.succeeded), ("b2", "sch_b", 2, .failed),
                                                ("a3", "sch_a", 3, .queued), ("b4", "sch_b", 4, .queued)] {
            let at = APIBench.t0.addingTimeInterval(Double(minute) * 60)
            var run = try await store.insertRun(Run(id: "run_\(key)", scheduleID: schedule, scheduledAt: at, trigger: .manual))
            if finish != .queued {
                run = try await store.finishRun(id: run.id, owner: "test", status: finish, at: at, output: "out", error: nil)
            }
            out[key] = run
        }
        return out
    }

    func ids(_ r: TestResponse) -> [String] {
        if case .array(let list)? = r.json["runs"] { return list.map { $0["id"]?.text ?? "" } }
        Issue.record("no runs in \(r.text)")
        return []
    }

    @Test func list_allSchedules_newestFirst_filteredByScheduleStatusAndLimit() async throws {
        let bench = try APIBench.make()
        _ = try await seed(bench)
        try await bench.test { client in
            let all = try await APICall.send(client, .get, "/v1/runs")
            #expect(all.status == .ok)
            #expect(ids(all) == ["run_b4", "run_a3", "run_b2", "run_a1"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?schedule=a")) == ["run_a3", "run_a1"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?schedule=sch_b")) == ["run_b4", "run_b2"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?status=queued")) == ["run_b4", "run_a3"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?status=failed")) == ["run_b2"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?status=queued&schedule=a")) == ["run_a3"])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?status=running")) == [])
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?limit=3")) == ["run_b4", "run_a3", "run_b2"])
        }
        await bench.close()
    }

    @Test func list_pagesWithNextCursor_untilEveryRunWasSeenOnce_andABadCursorIs400() async throws {
        let bench = try APIBench.make()
        _ = try await seed(bench)
        try await bench.test { client in
            var seen: [String] = [], path = "/v1/runs?limit=3"
            for _ in 0..<5 {
                let page = try await APICall.send(client, .get, path)
                #expect(page.status == .ok, "\(page.text)")
                seen += ids(page)
                guard let next = page.json["next_cursor"]?.text else { break }
                path = "/v1/runs?limit=3&cursor=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next)
            }
            #expect(seen == ["run_b4", "run_a3", "run_b2", "run_a1"])
            let last = try await APICall.send(client, .get, "/v1/runs?limit=4")
            #expect(last.json["next_cursor"] == nil, "no cursor when nothing follows: \(last.text)")
            let queued = try await APICall.send(client, .get, "/v1/runs?status=queued&limit=1")
            let cursor = try #require(queued.json["next_cursor"]?.text)
            #expect(ids(try await APICall.send(client, .get, "/v1/runs?status=queued&limit=1&cursor=\(cursor)")) == ["run_a3"])
            let ofA = try await APICall.send(client, .get, "/v1/schedules/a/runs?limit=1")
            #expect(ids(ofA) == ["run_a3"] && ofA.json["next_cursor"] != nil)
            APICall.expectError(try await APICall.send(client, .get, "/v1/runs?cursor=nope"), .badRequest, field: "cursor")
        }
        await bench.close()
    }

    @Test func get_byID_returnsTheRun() async throws {
        let bench = try APIBench.make()
        let runs = try await seed(bench)
        try await bench.test { client in
            let r = try await APICall.send(client, .get, "/v1/runs/run_a1")
            #expect(r.status == .ok)
            #expect(r.json == (try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(runs["a1"]!))))
            #expect(r.json["status"] == "succeeded" && r.json["output"] == "out" && r.json["trigger"] == "manual")
            APICall.expectError(try await APICall.send(client, .get, "/v1/runs/run_nope"), .notFound, code: "not_found")
            APICall.expectError(try await APICall.send(client, .get, "/v1/runs/%00%FF"), .notFound, code: "not_found")
        }
        await bench.close()
    }

    @Test(arguments: [("status=done", 400, "status"), ("status=", 400, "status"), ("limit=0", 400, "limit"),
                      ("limit=x", 400, "limit"), ("schedule=nope", 404, nil), ("schedule=", 400, "schedule")] as [(String, Int, String?)])
    func list_badQuery_isRefused(query: String, status: Int, field: String?) async throws {
        let bench = try APIBench.make()
        _ = try await seed(bench)
        try await bench.test { client in
            APICall.expectError(try await APICall.send(client, .get, "/v1/runs?\(query)"), HTTPResponse.Status(code: status), field: field)
        }
        await bench.close()
    }

    @Test func fire_listsAttemptsAndContinuationsTogether_andCancelEndsTheWholeChain() async throws {
        let bench = try APIBench.make()
        let runs = try await seed(bench)
        let first = runs["a1"]!
        var step = first.followUp(id: "run_a1_step1", at: APIBench.t0.addingTimeInterval(600), trigger: .continuation,
                                  state: ["checks": 1])
        step = try await bench.store.insertRun(step)
        try await bench.test { client in
            let fire = try await APICall.send(client, .get, "/v1/runs/run_a1_step1/fire")
            #expect(fire.status == .ok, "\(fire.text)")
            #expect(ids(fire) == ["run_a1", "run_a1_step1"])
            if case .array(let list)? = fire.json["runs"] {
                #expect(list.map { $0["step"] } == [0, 1] && list.last?["state"]?["checks"] == 1, "\(fire.text)")
            }
            let cancelled = try await APICall.send(client, .post, "/v1/runs/run_a1/cancel")
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            if case .array(let list)? = cancelled.json["runs"] {
                #expect(list.map { $0["status"]?.text } == ["succeeded", "cancelled"], "\(cancelled.text)")
                #expect(list.last?["error"]?.text == "cancelled by local")
            }
            let again = try await APICall.send(client, .post, "/v1/runs/run_a1/cancel")
            APICall.expectError(again, .conflict, field: "id")
            APICall.expectError(try await APICall.send(client, .get, "/v1/runs/run_nope/fire"), .notFound)
            APICall.expectError(try await APICall.send(client, .post, "/v1/runs/run_nope/cancel"), .notFound)
        }
        #expect(try await bench.store.run(id: "run_a3")?.status == .queued, "another fire is left alone")
        await bench.close()
    }
}
