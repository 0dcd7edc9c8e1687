import Foundation
import PacerTesting
import Testing

/// Runs the real `pacer` binary, as a user would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The built `pacer` next to the test bundle.
    static let binary: URL = builtExecutable(
        "pacer", packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())

    /// Runs `pacer` with arguments and optional standard input.
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        let r = try await Program(binary.path, arguments, stdin: stdin).finish()
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }
}

@Suite struct NextCommandTests {
    @Test func next_cronInZone_printsDescriptionAndLocalFires() async throws {
        let r = try await CLI.run(["next", "0 9 * * 1-5", "--tz", "Europe/Berlin", "--from", "2026-03-27T12:00:00Z", "--count", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "At 09:00, Monday through Friday")
        #expect(lines.contains("  Mon 2026-03-30 09:00:00 +02:00"))  // after the DST change
        #expect(lines.filter { $0.hasPrefix("  ") }.count == 3)
    }

    @Test func next_json_printsOneObject() async throws {
        let r = try await CLI.run(["next", "*/30 1 * * *", "--tz", "America/New_York", "--from", "2026-11-01T00:00:00-04:00", "--count", "4", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["rule"] as? String == "*/30 1 * * *")
        #expect(object["timezone"] as? String == "America/New_York")
        #expect((object["description"] as? String)?.isEmpty == false)
        #expect(object["fires"] as? [String] == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00",
                                                 "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00"])
    }

    @Test func next_humanRule_defaultsToFiveFires() async throws {
        let r = try await CLI.run(["next", "every 2 weeks on mon,thu at 18:30", "--from", "2026-01-01T00:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.count == 5)
        #expect(r.stdout.hasPrefix("Every 2 weeks on Monday and Thursday at 18:30"))
    }

    @Test func next_stdin_answersEachLine() async throws {
        let input = """
            {"expr": "15 */2 * * *", "tz": "Australia/Lord_Howe", "from": "2026-04-04T20:00:00+11:00", "count": 4}
            {"expr": "0 0 30 2 *"}
            not json
            {"expr": "* * * * *", "tz": "Nowhere/City"}
            {"expr": "@daily", "from": "2026-01-01T00:00:00Z", "count": 1}

            """
        let r = try await CLI.run(["next", "--stdin"], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        let answers = try r.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(answers.count == 5)
        #expect(answers[0]["fires"] as? [String] == ["2026-04-04T20:15:00+11:00", "2026-04-04T22:15:00+11:00",
                                                     "2026-04-05T00:15:00+11:00", "2026-04-05T02:15:00+10:30"])
        #expect(answers[1]["error"] as? String == "day-of-month: 30 never occurs in February")
        #expect((answers[2]["error"] as? String)?.hasPrefix("input:") == true)
        #expect((answers[3]["error"] as? String)?.hasPrefix("timezone: unknown time zone 'Nowhere/City'") == true)
        #expect(answers[4]["fires"] as? [String] == ["2026-01-02T00:00:00Z"])
    }

    @Test(arguments: [
        (["next", "60 * * * *"], "minute: 60 is out of range 0-59"),
        (["next", "0 0 30 2 *"], "day-of-month: 30 never occurs in February"),
        (["next", "* * * * *", "--tz", "Mars/Base"], "timezone: unknown time zone 'Mars/Base'"),
        (["next", "* * * * *", "--from", "yesterday"], "from: 'yesterday' is not an RFC 3339 instant"),
        (["next", "* * * * *", "--count", "0"], "count: 0 must be between 1 and 10000"),
        (["next", "* * * * *", "--count", "many"], "'many' is invalid for '--count"),
        (["next"], "missing RULE"),
        (["next", "every 0s"], "every: 0 must be at least 1"),
        (["next", "* * * * *", "--bogus"], "Unknown option '--bogus'"),
    ])
    func next_badInput_exits2WithMessage(arguments: [String], message: String) async throws {
        let r = try await CLI.run(arguments)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
    }
}
