import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerServer
import Testing

@Suite struct PreviewRoutesTests {
    @Test func preview_cronInAZone_describesIt_andListsTheNextFiresWithOffsets() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", ["rule": "0 9 * * 1-5", "timezone": "Europe/Berlin", "count": 3])
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json["rule"] == "0 9 * * 1-5" && r.json["timezone"] == "Europe/Berlin")
            #expect(r.json["description"]?.text.contains("09:00") == true)
            // Now is Friday 2027-01-15 09:00 in Berlin: Monday, Tuesday, Wednesday follow.
            #expect(r.json["next"] == ["2027-01-18T09:00:00+01:00", "2027-01-19T09:00:00+01:00", "2027-01-20T09:00:00+01:00"])
        }
        await bench.close()
    }

    @Test func preview_defaults_fiveFiresInUTC_fromNow_orFromAGivenInstant() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", ["rule": "every 15m"])
            #expect(r.status == .ok && r.json["timezone"] == "UTC" && r.json["description"] == "Every 15 minutes")
            if case .array(let next)? = r.json["next"] { #expect(next.count == 5 && next.first == "2027-01-15T08:15:00Z") }
            let from = try await APICall.send(client, .post, "/v1/preview", ["rule": "@daily", "from": "2030-06-01T12:00:00Z", "count": 1,
                                                                              "timezone": .null])
            #expect(from.json["next"] == ["2030-06-02T00:00:00Z"])
            let once = try await APICall.send(client, .post, "/v1/preview", ["rule": "once 2020-01-01T00:00:00Z"])
            #expect(once.status == .ok && once.json["next"] == [])
        }
        await bench.close()
    }

    @Test func preview_takesTheScheduleShorthands_andAnswersFiresLikePacerNext() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let every = try await APICall.send(client, .post, "/v1/preview", ["every": "15m", "count": 2])
            #expect(every.status == .ok, "\(every.text)")
            #expect(every.json["rule"] == "every 15m" && every.json["fires"] == ["2027-01-15T08:15:00Z", "2027-01-15T08:30:00Z"])
            #expect(every.json["next"] == every.json["fires"], "next is kept as the same list")
            let cron = try await APICall.send(client, .post, "/v1/preview", ["cron": "0 9 * * 1-5", "timezone": "Europe/Berlin", "count": 1])
            #expect(cron.json["fires"] == ["2027-01-18T09:00:00+01:00"])
            let at = try await APICall.send(client, .post, "/v1/preview", ["at": "2030-06-01T12:00:00Z"])
            #expect(at.status == .ok && at.json["fires"] == ["2030-06-01T12:00:00Z"], "\(at.text)")

            let both = try await APICall.send(client, .post, "/v1/preview", ["rule": "@daily", "every": "1h"])
            #expect(both.status == .unprocessableContent && both.json.value(at: "error.field") == "every")
            let badEvery = try await APICall.send(client, .post, "/v1/preview", ["every": "soon"])
            #expect(badEvery.status == .unprocessableContent && badEvery.json.value(at: "error.field") == "every")
        }
        await bench.close()
    }

    @Test(arguments: [
        (["rule": "61 * * * *"], "rule"), (["rule": "every fortnight"], "rule"), (["rule": ""], "rule"), (["rule": "   "], "rule"),
        ([:], "rule"), (["rule": 5], "rule"), (["rule": .null], "rule"), (["rule": .string(String(repeating: "* ", count: 2000))], "rule"),
        (["rule": "* * * * *", "timezone": "Mars/Olympus"], "timezone"), (["rule": "* * * * *", "timezone": 1], "timezone"),
        (["rule": "* * * * *", "count": 0], "count"), (["rule": "* * * * *", "count": 51], "count"),
        (["rule": "* * * * *", "count": 2.5], "count"), (["rule": "* * * * *", "count": "3"], "count"),
        (["rule": "* * * * *", "count": 1e300], "count"), (["rule": "* * * * *", "from": "soon"], "from"),
        (["rule": "* * * * *", "from": 0], "from"), (["rule": "* * * * *", "tz": "UTC"], "tz"),
    ] as [(JSONValue, String)])
    func preview_badInput_is422NamingTheField(body: JSONValue, field: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", body)
            APICall.expectError(r, .unprocessableContent, code: "invalid", field: field)
        }
        await bench.close()
    }

    @Test func preview_aBadCronField_saysWhichOne() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", ["rule": "61 * * * *"])
            #expect(r.json["error"]?["message"]?.text.contains("minute") == true, "\(r.text)")
        }
        await bench.close()
    }

    @Test(arguments: ["{", "[]", "", "\"rule\""])
    func preview_notAJSONObject_is400(raw: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            APICall.expectError(try await APICall.send(client, .post, "/v1/preview", raw: raw), .badRequest, code: "bad_request")
        }
        await bench.close()
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *"])
    func preview_aRuleThatNeverFires_isRefusedNamingTheRule(rule: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", ["rule": .string(rule), "count": 50])
            #expect(r.status.code < 500)
            #expect(r.status.code >= 400, "a rule that never fires has no preview")
        }
        await bench.close()
    }

    @Test func preview_nearTheEndOfTime_staysWithinRFC3339() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await APICall.send(client, .post, "/v1/preview", ["rule": "every 1h", "from": "9999-12-31T22:30:00Z", "count": 50])
            #expect(r.status.code < 500, "\(r.text)")
            if case .array(let next)? = r.json["next"] {
                #expect(next.allSatisfy { $0.text.hasPrefix("9999-") }, "\(r.text)")
            }
        }
        await bench.close()
    }
}
