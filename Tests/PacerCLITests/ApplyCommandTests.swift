import Foundation
import PacerCore
import PacerStore
import Testing

private let file = """
    # Schedules as code.
    if_exists: update
    schedules:
      - name: ping
        every: 30s
        target: {kind: http, url: https://example.com/hook, method: POST, headers: {X-Team: ops}}
      - name: report
        cron: "0 9 * * 1-5"
        timezone: Europe/Berlin
        target:
          kind: command
          argv: [/opt/report.sh, --full]
          env: {MODE: daily}
        policies: {overlap: allow, retry: {max_attempts: 3}, exclusions: ["0 0 25 12 *"]}
        delivery: {kind: log, path: /tmp/report.log}
        notes: the daily report
      - name: items
        timing: {rule: every day at 06:30, timezone: UTC, jitter: 30, starts_at: 2026-01-01T00:00:00Z}
        target: {kind: http, url: "https://example.com/items/{{item.id}}"}
        dispatch:
          mode: per_item
          source: {kind: static, items: [{id: 1}, {id: 2}]}
          item_key: id
        enabled: false

    """

@Suite struct ApplyCommandTests {
    @Test func apply_createsSchedules_thenTheSameFileChangesNothing() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", file)
        let first = try await ws.pacer("apply", "-f", path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3 created, 0 updated, 0 unchanged, 0 skipped"))

        let stored = try await ws.schedules()
        #expect(stored.map(\.name) == ["items", "ping", "report"])
        let report = stored[2]
        #expect(report.timing == ScheduleTiming(rule: "0 9 * * 1-5", timezone: "Europe/Berlin"))
        #expect(report.target == .command(CommandTarget(argv: ["/opt/report.sh", "--full"], env: ["MODE": "daily"])))
        #expect(report.policies.overlap == .allow)
        #expect(report.policies.retry.maxAttempts == 3)
        #expect(report.delivery == .log(LogDelivery(path: "/tmp/report.log")))
        #expect(report.owner == "cli")
        #expect(stored[1].timing.rule == "every 30s")
        #expect(!stored[0].enabled)
        #expect(stored[0].dispatch.mode == .perItem)
        #expect(stored[0].timing.jitterSeconds == 30)

        let second = try await ws.pacer("apply", "-f", path, "--json")
        #expect(second.status == 0, "\(second.stderr)")
        let results = try #require(try second.json() as? [[String: Any]])
        #expect(results.map { $0["action"] as? String } == ["unchanged", "unchanged", "unchanged"])
        let after = try await ws.schedules()
        #expect(after == stored)
        for s in after {
            let revisions = try await ws.withStore { try await $0.revisions(scheduleID: s.id) }
            #expect(revisions.count == 1)
        }
    }

    @Test func apply_changedEntry_updatesItAsANewRevision() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", file)
        #expect(try await ws.pacer("apply", "-f", path).status == 0)
        try ws.write("pacer.yaml", file.replacingOccurrences(of: "max_attempts: 3", with: "max_attempts: 5"))
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.rows.contains(where: { $0.first == "updated" && $0.contains("report") && $0.last == "policies" }), "\(r.stdout)")
        #expect(r.stdout.contains("0 created, 1 updated, 2 unchanged, 0 skipped"))
        let report = try #require(try await ws.schedules().first { $0.name == "report" })
        #expect(report.revision == 2)
        #expect(report.policies.retry.maxAttempts == 5)
    }

    @Test func apply_updatesASchedulesMadeWithTheCLI_andDryRunWritesNothing() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let path = try ws.write("pacer.yaml", file)
        let dry = try await ws.pacer("apply", "-f", path, "--dry-run")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would be updated"))
        #expect(dry.stdout.contains("2 created, 1 updated"))
        #expect(dry.stdout.contains("dry run"))
        #expect(try await ws.schedules().map(\.name) == ["ping"])
        #expect(try await ws.schedules().first?.revision == 1)

        #expect(try await ws.pacer("apply", "-f", path).status == 0)
        let ping = try #require(try await ws.schedules().first { $0.name == "ping" })
        #expect(ping.revision == 2)
        #expect(ping.target == .http(HTTPTarget(method: "POST", url: "https://example.com/hook", headers: ["X-Team": "ops"])))
    }

    @Test func apply_ifExistsSkip_leavesTheStoredScheduleAlone() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let path = try ws.write("pacer.yaml", file.replacingOccurrences(of: "if_exists: update", with: "if_exists: skip"))
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 created, 0 updated, 0 unchanged, 1 skipped"))
        let ping = try #require(try await ws.schedules().first { $0.name == "ping" })
        #expect(ping.revision == 1)
        #expect(ping.target == .http(HTTPTarget(url: "https://example.com/hook")))
    }

    @Test func apply_perEntryIfExists_overridesTheFile() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let path = try ws.write("pacer.yaml", """
            if_exists: raise
            schedules:
              - name: ping
                if_exists: skip
                every: 5m
                target: {kind: http, url: https://example.com/hook}
            """)
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.rows.contains { $0.first == "skipped" && $0.contains("ping") })
    }

    @Test func apply_ifExistsRaise_failsAndWritesNothing() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let path = try ws.write("pacer.yaml", file.replacingOccurrences(of: "if_exists: update", with: "if_exists: raise"))
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("pacer.yaml: schedules[0].name: a schedule named 'ping' exists already (if_exists: raise)"), "\(r.stderr)")
        #expect(try await ws.schedules().map(\.name) == ["ping"])  // the other two were not created
    }

    static let good = """
        schedules:
          - name: good
            every: 1m
            target: {kind: http, url: https://example.com/good}

        """

    @Test(arguments: [
        ("  - name: b\n    every: 30x\n    target: {kind: http, url: https://e.com}", "schedules[1].every: '30x' is not a duration"),
        ("  - name: b\n    cron: \"61 * * * *\"\n    target: {kind: http, url: https://e.com}", "schedules[1].cron: minute: 61 is out of range 0-59"),
        ("  - name: b\n    rule: every 0s\n    target: {kind: http, url: https://e.com}", "schedules[1].rule: every: 0 must be at least 1"),
        ("  - name: b\n    at: someday\n    target: {kind: http, url: https://e.com}", "schedules[1].at: 'someday' is not an RFC 3339 instant"),
        ("  - name: b\n    every: 1m\n    timezone: Mars/Base\n    target: {kind: http, url: https://e.com}", "schedules[1].timezone: unknown time zone 'Mars/Base'"),
        ("  - name: b\n    timing: {rule: every 1m, timezone: Mars/Base}\n    target: {kind: http, url: https://e.com}", "schedules[1].timing.timezone: unknown time zone"),
        ("  - name: b\n    timing: {rule: every 1m, jitter: lots}\n    target: {kind: http, url: https://e.com}", "schedules[1].timing.jitter: expected a number"),
        ("  - name: b\n    every: 1m\n    cron: \"* * * * *\"\n    target: {kind: http, url: https://e.com}", "schedules[1].cron: give only one of cron, every"),
        ("  - name: b\n    target: {kind: http, url: https://e.com}", "schedules[1].timing: is required"),
        ("  - every: 1m\n    target: {kind: http, url: https://e.com}", "schedules[1].name: is required"),
        ("  - name: good\n    every: 1m\n    target: {kind: http, url: https://e.com}", "schedules[1].name: 'good' is also the name of schedules[0]"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: ftp://e.com}", "schedules[1].target.url: 'ftp://e.com' is not an absolute http or https URL"),
        ("  - name: b\n    every: 1m\n    target: {kind: http}", "schedules[1].target.url: is required"),
        ("  - name: b\n    every: 1m\n    target: {kind: pigeon}", "schedules[1].target.kind: unknown target kind 'pigeon'"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com, urll: x}", "schedules[1].target.urll: unknown key"),
        ("  - name: b\n    every: 1m\n    colour: red\n    target: {kind: http, url: https://e.com}", "schedules[1].colour: unknown key"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    policies: {retry: {max_attemps: 3}}", "schedules[1].policies.retry.max_attemps: unknown key"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    policies: {overlap: sometimes}", "schedules[1].policies.overlap: unknown overlap policy 'sometimes'"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    policies: {retry: {max_attempts: 0}}", "schedules[1].policies.retry.max_attempts: 0 must be between 1 and 100"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    delivery: {kind: log, path: rel.log}", "schedules[1].delivery.path: 'rel.log' is not an absolute path"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    dispatch: {mode: per_item}", "schedules[1].dispatch.source: per_item dispatch needs an item source"),
        ("  - name: b\n    every: 1m\n    target: {kind: http, url: https://e.com}\n    enabled: sure", "schedules[1].enabled: expected true or false"),
        ("  - name: b\n    id: sch_x\n    every: 1m\n    target: {kind: http, url: https://e.com}", "schedules[1].id: is set by the store"),
        ("  - name: b\n    if_exists: maybe\n    every: 1m\n    target: {kind: http, url: https://e.com}", "schedules[1].if_exists: unknown if_exists 'maybe'; expected update, skip or raise"),
        ("  - just a string", "schedules[1]: expected a mapping"),
        ("bogus: 1", "bogus: unknown key; expected if_exists, allow_env, log_dir, mcp_servers, agents or schedules"),
        ("if_exists: maybe", "if_exists: unknown if_exists 'maybe'"),
    ])
    func apply_badField_exits2NamingItsPath_andWritesNothing(entry: String, message: String) async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", Self.good + entry + "\n")
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("pacer: \(path): \(message)"), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules().isEmpty)
    }

    @Test func apply_entryWithSeveralProblems_reportsEveryOneAtOnce() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", """
            schedules:
              - name: a
                every: 30x
                timezone: Mars/Olympus
                target: {kind: http, url: ftp://e.com}
                policies: {overlap: sometimes}

            """)
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        for message in ["schedules[0].every: '30x' is not a duration", "schedules[0].timezone: unknown time zone 'Mars/Olympus'",
                        "schedules[0].target.url: 'ftp://e.com' is not an absolute http or https URL",
                        "schedules[0].policies.overlap: unknown overlap policy 'sometimes'"] {
            #expect(r.stderr.contains(message), "\(message) missing from: \(r.stderr)")
        }
        #expect(try await ws.schedules().isEmpty)
    }

    @Test(arguments: [
        ("", "expected a mapping with if_exists and schedules"),
        ("if_exists: skip\n", "schedules: is required"),
        ("schedules: {name: x}\n", "schedules: expected a list of schedules"),
        ("schedules:\n  - name: x\n    cron: */5 * * * *\n", "not valid YAML"),
    ])
    func apply_badFile_exits2(text: String, message: String) async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", text)
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules().isEmpty)
    }


    @Test func apply_onlyABadMCPServer_namesItAlone() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", "mcp_servers:\n  time: {transport: stdio}\n")
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("mcp_servers.time.command: is required for the stdio transport"), "\(r.stderr)")
        #expect(!r.stderr.contains("schedules: is required"), "\(r.stderr)")
    }
    @Test func apply_everyProblemOfTheFile_isReported() async throws {
        let ws = try Workspace()
        let path = try ws.write("pacer.yaml", """
            schedules:
              - name: a
                every: 1m
                target: {kind: http, url: nowhere}
              - name: b
                every: 1m
                timezone: Mars/Base
                target: {kind: http, url: https://e.com}
                policies: {overlap: sometimes}
            """)
        let r = try await ws.pacer("apply", "-f", path)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(r.stderr)")
        #expect(r.stderr.contains("schedules[0].target.url"))
        #expect(r.stderr.contains("schedules[1].policies.overlap"))
        #expect(r.stderr.contains("schedules[1].timezone"))
    }

    @Test func apply_missingFile_exits2() async throws {
        let ws = try Workspace()
        let r = try await ws.pacer("apply", "-f", ws.dir.appendingPathComponent("nope.yaml").path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("nope.yaml: cannot read the file"))
    }
}
