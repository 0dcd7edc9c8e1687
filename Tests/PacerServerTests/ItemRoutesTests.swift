import PacerSQLite
import Foundation
import HTTPTypes
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import Testing

extension APIBench {
    /// A finished (or running) run of one item, scheduled `seconds` after t0.
    @discardableResult
    func fixtureRun(_ scheduleID: String, item: String?, at seconds: Double, status: Run.Status, took: Double = 10) async throws -> Run {
        var run = Run(id: PacerID.make(.run, at: Self.t0.addingTimeInterval(seconds)), scheduleID: scheduleID,
                      scheduledAt: Self.t0.addingTimeInterval(seconds), status: status, trigger: .schedule, itemKey: item)
        run.startedAt = Self.t0.addingTimeInterval(seconds)
        if status.isTerminal { run.finishedAt = Self.t0.addingTimeInterval(seconds + took) }
        return try await store.insertRun(run)
    }
}

@Suite struct ItemRoutesTests {
    @Test func items_ofAPerItemSchedule_withRunsAndSessions_newestActivityFirst() async throws {
        let bench = try APIBench.make()
        let schedule = try await bench.fixtureSchedule("triage", items: ["a", "b", "c"])
        // a: two runs, last finished at +410.
        try await bench.fixtureRun(schedule.id, item: "a", at: 100, status: .failed)
        let aLast = try await bench.fixtureRun(schedule.id, item: "a", at: 400, status: .succeeded)
        let a1 = try await bench.fixtureSession(schedule: schedule.id, item: "a", at: 105)
        let a2 = try await bench.fixtureSession(schedule: schedule.id, item: "a", previous: a1.id, at: 405)
        // b: one failed run finished at +720.
        let bLast = try await bench.fixtureRun(schedule.id, item: "b", at: 700, status: .failed, took: 20)
        let b1 = try await bench.fixtureSession(schedule: schedule.id, item: "b", at: 705, state: .error)
        // c: three runs, the last still running; a session changed at +900.
        try await bench.fixtureRun(schedule.id, item: "c", at: 200, status: .succeeded)
        try await bench.fixtureRun(schedule.id, item: "c", at: 300, status: .succeeded)
        let cLast = try await bench.fixtureRun(schedule.id, item: "c", at: 500, status: .running)
        let c1 = try await bench.fixtureSession(schedule: schedule.id, item: "c", at: 205)
        let c2 = try await bench.fixtureSession(schedule: schedule.id, item: "c", previous: c1.id, at: 900, state: .waiting,
                                             messages: [Message(role: .assistant, text: "waiting for CI")])
        // A run without an item and another schedule's runs are no items of this one.
        try await bench.fixtureRun(schedule.id, item: nil, at: 800, status: .succeeded)
        let other = try await bench.fixtureSchedule("other", items: ["a"])
        try await bench.fixtureRun(other.id, item: "z", at: 1000, status: .succeeded)

        try await bench.test { client in
            for id in [schedule.id, "triage"] {
                let r = try await client.execute(uri: "/v1/schedules/\(id)/items", method: .get)
                #expect(r.status == .ok, "\(r.text)")
                let items = r.json.arrMember("items")
                #expect(items.map { $0.strMember("item_key") } == ["c", "b", "a"])
                guard items.count == 3 else { return }
                let (c, b, a) = (items[0], items[1], items[2])
                #expect(c["runs"] == 3 && b["runs"] == 1 && a["runs"] == 2)
                #expect(c["last_run"]?.strMember("id") == cLast.id && c.strMember("last_status") == "running")
                #expect(b["last_run"]?.strMember("id") == bLast.id && b.strMember("last_status") == "failed")
                #expect(a["last_run"]?.strMember("id") == aLast.id && a.strMember("last_status") == "succeeded")
                #expect(a["last_run"] == (try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(aLast))))
                #expect(c.arrMember("sessions").map { $0.strMember("id") } == [c2.id, c1.id])
                #expect(c.arrMember("sessions").first?.strMember("last_text") == "waiting for CI")
                #expect(b.arrMember("sessions").map { $0.strMember("id") } == [b1.id])
                #expect(a.arrMember("sessions").map { $0.strMember("id") } == [a2.id, a1.id])
            }
        }
        await bench.close()
    }

    @Test func items_ofAScheduleWithoutItemRuns_isEmpty_andAnUnknownScheduleIs404() async throws {
        let bench = try APIBench.make()
        let single = try await bench.fixtureSchedule("nightly")
        try await bench.fixtureRun(single.id, item: nil, at: 100, status: .succeeded)
        let fresh = try await bench.fixtureSchedule("fresh", items: ["x"])
        try await bench.test { client in
            for id in [single.id, fresh.id] {
                let r = try await client.execute(uri: "/v1/schedules/\(id)/items", method: .get)
                #expect(r.status == .ok && r.json == ["items": []], "\(r.text)")
            }
            for id in ["sch_nope", "no-such-name"] {
                let r = try await client.execute(uri: "/v1/schedules/\(id)/items", method: .get)
                #expect(r.status == .notFound && r.json.errorPair.code == "not_found", "\(r.text)")
            }
        }
        await bench.close()
    }

    @Test func items_withAQueuedRun_haveTheDocumentedShape() async throws {
        let bench = try APIBench.make()
        let schedule = try await bench.fixtureSchedule("triage", items: ["a"])
        try await bench.fixtureRun(schedule.id, item: "a", at: 100, status: .queued)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/schedules/\(schedule.id)/items", method: .get)
            let item = r.json.arrMember("items").first
            #expect(item?["runs"] == 1 && item?.strMember("last_status") == "queued" && item?["sessions"] == [])
            if case .object(let members)? = item {
                #expect(Set(members.keys) == ["item_key", "runs", "last_run", "last_status", "sessions"])
            }
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            #expect(doc["paths"]?["/v1/schedules/{id}/items"]?["get"]?["responses"]?["404"] != nil)
            #expect(doc["components"]?["schemas"]?["ItemView"]?["required"]
                    == ["item_key", "runs", "last_run", "last_status", "sessions"])
        }
        await bench.close()
    }
}
