import Foundation
import PacerCore
import PacerStore
import Testing

@Suite struct ScheduleCommandTests {
    @Test func add_readmeExamples_storeHTTPAndCommandSchedules() async throws {
        let ws = try Workspace()
        try ws.write("report.sh", "#!/bin/sh\necho report\n")
        let ping = try await ws.pacer("schedule", "add", "--name", "ping", "--every", "30s", "--http", "https://example.com/hook")
        #expect(ping.status == 0, "\(ping.stderr)")
        #expect(ping.stdout.hasPrefix("created schedule 'ping' (sch_"))
        let report = try await ws.pacer("schedule", "add", "--name", "report", "--cron", "0 9 * * 1-5", "--tz", "Europe/Berlin",
                                  "--command", "./report.sh")
        #expect(report.status == 0, "\(report.stderr)")

        let stored = try await ws.schedules()
        #expect(stored.map(\.name) == ["ping", "report"])
        let p = try #require(stored.first)
        #expect(p.timing.rule == "every 30s")
        #expect(p.timing.timezone == "UTC")
        #expect(p.target == .http(HTTPTarget(url: "https://example.com/hook")))
        #expect(p.owner == "cli")
        let r = stored[1]
        #expect(r.timing == ScheduleTiming(rule: "0 9 * * 1-5", timezone: "Europe/Berlin"))
        #expect(r.target == .command(CommandTarget(argv: [ws.dir.path + "/report.sh"], workingDir: ws.dir.path)))
        let revisions = try await ws.withStore { try await $0.revisions(scheduleID: r.id) }
        #expect(revisions.map(\.author) == ["cli"])
    }

    @Test func add_everyFlag_setsPoliciesTimingDeliveryAndDispatch() async throws {
        let ws = try Workspace()
        let r = try await ws.pacer(
            "schedule", "add", "--name", "full", "--rule", "every weekday at 09:00", "--tz", "America/New_York",
            "--http", "https://example.com/items", "--method", "post", "--header", "Content-Type: application/json",
            "--header-env", "Authorization=API_TOKEN", "--body", "{\"id\": \"{{item.id}}\"}",
            "--overlap", "buffer-one", "--misfire", "run_all", "--misfire-grace", "2m", "--catchup-limit", "5",
            "--max-attempts", "3", "--backoff-base", "10s", "--timeout", "90s", "--pause-after-failures", "4",
            "--keep-last", "50", "--exclude", "0 0 25 12 *", "--jitter", "15s", "--starts-at", "2026-01-01T00:00:00Z",
            "--ends-at", "2027-01-01T00:00:00Z", "--max-fires", "100", "--deliver", "log:/tmp/pacer-full.log",
            "--per-item", "--items-json", "[{\"id\": 1}, {\"id\": 2}]", "--item-key", "id", "--max-items", "10",
            "--notes", "all flags", "--disabled", "--owner", "ops")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try await ws.schedules().first)
        #expect(s.timing == ScheduleTiming(rule: "every weekday at 09:00", timezone: "America/New_York",
                                           startsAt: PacerJSON.parse("2026-01-01T00:00:00Z"), endsAt: PacerJSON.parse("2027-01-01T00:00:00Z"),
                                           maxFires: 100, jitterSeconds: 15))
        #expect(s.target == .http(HTTPTarget(method: "POST", url: "https://example.com/items",
                                             headers: ["Content-Type": "application/json"],
                                             headersFromEnv: ["Authorization": "API_TOKEN"], body: "{\"id\": \"{{item.id}}\"}")))
        #expect(s.policies == Policies(overlap: .bufferOne, misfire: .runAll, misfireGraceSeconds: 120, catchupLimit: 5,
                                       retry: RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 10), timeoutSeconds: 90,
                                       pauseAfterFailures: 4, keepLast: 50, exclusions: ["0 0 25 12 *"]))
        #expect(s.delivery == .log(LogDelivery(path: "/tmp/pacer-full.log")))
        #expect(s.dispatch == Dispatch(mode: .perItem, source: .static([.object(["id": .number(1)]), .object(["id": .number(2)])]),
                                       itemKey: "id", maxItemsPerFire: 10))
        #expect(s.notes == "all flags")
        #expect(!s.enabled)
        #expect(s.owner == "ops")
    }

    @Test func add_commandFlags_splitQuotedWordsAndKeepEnvironment() async throws {
        let ws = try Workspace()
        let r = try await ws.pacer("schedule", "add", "--name", "cmd", "--at", "2030-01-01T00:00:00Z", "--command",
                             "bin/tool --title 'two words' \"say \\\"hi\\\"\" plain\\ space", "--env", "MODE=fast",
                             "--workdir", "sub", "--deliver", "slack:https://hooks.example.com/x")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try await ws.schedules().first)
        #expect(s.timing.rule == "once 2030-01-01T00:00:00Z")
        #expect(s.target == .command(CommandTarget(
            argv: [ws.dir.path + "/bin/tool", "--title", "two words", "say \"hi\"", "plain space"],
            env: ["MODE": "fast"], workingDir: ws.dir.path + "/sub")))
        #expect(s.delivery == .slack(SlackDelivery(webhookURL: "https://hooks.example.com/x")))

        let shell = try await ws.pacer("schedule", "add", "--name", "sh", "--every", "1h", "--command", "echo $HOME | wc -c", "--shell")
        #expect(shell.status == 0, "\(shell.stderr)")
        let sh = try #require(try await ws.schedules().first { $0.name == "sh" })
        #expect(sh.target == .command(CommandTarget(argv: ["echo $HOME | wc -c"], workingDir: ws.dir.path, shell: true)))
        #expect(sh.timing.rule == "every 1h")
    }

    @Test func list_table_hasTheColumnsAndOneRowPerSchedule() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        #expect(try await ws.pacer("schedule", "add", "--name", "report", "--cron", "0 9 * * 1-5", "--tz", "Europe/Berlin",
                             "--command", "/bin/true").status == 0)
        #expect(try await ws.pacer("schedule", "pause", "report", "--reason", "holiday").status == 0)
        let r = try await ws.pacer("schedule", "list")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.rows
        #expect(rows.first == ["NAME", "ID", "RULE", "NEXT FIRE", "LAST STATUS", "STATE"])
        #expect(rows.count == 3)
        let ping = rows[1], report = rows[2]
        #expect(ping[0] == "ping")
        #expect(ping[1].hasPrefix("sch_"))
        #expect(ping[2] == "every 30s (UTC)")
        #expect(ping[3].hasPrefix("20"))
        // "(in 30s)" just after adding it; a busy machine may take some seconds to list.
        let seconds = ping[3].firstMatch(of: /\(in (\d+)s\)$/).flatMap { Int($0.1) }
        #expect(seconds.map { (1...30).contains($0) } == true, "\(ping[3])")
        #expect(ping[4] == "-")
        #expect(ping[5] == "active")
        #expect(report[2] == "0 9 * * 1-5 (Europe/Berlin)")
        #expect(report[5] == "paused: holiday")

        // Next fires read in the schedule's zone, as `show` lists them.
        #expect(try await ws.pacer("schedule", "add", "--name", "zoned", "--cron", "0 9 * * *", "--tz", "Asia/Kolkata",
                             "--command", "/bin/true").status == 0)
        let zoned = try #require(try await ws.pacer("schedule", "list").rows.first { $0.first == "zoned" })
        #expect(zoned[3].contains("T09:00:00+05:30 (in "), "\(zoned[3])")
    }

    @Test func list_json_isAnArrayOfSchedulesWithState() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("schedule", "list", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let list = try #require(try r.json() as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list[0]["name"] as? String == "ping")
        #expect((list[0]["timing"] as? [String: Any])?["rule"] as? String == "every 30s")
        let state = try #require(list[0]["state"] as? [String: Any])
        #expect(state["next_fire_at"] is String)
        #expect(state["fire_count"] as? Int == 0)
    }

    @Test func show_printsDefinitionStateAndNextFiveFires() async throws {
        let ws = try Workspace()
        #expect(try await ws.pacer("schedule", "add", "--name", "report", "--cron", "0 9 * * 1-5", "--tz", "Europe/Berlin",
                             "--command", "/bin/true").status == 0)
        let r = try await ws.pacer("schedule", "show", "report")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Rule:        0 9 * * 1-5 (Europe/Berlin): At 09:00, Monday through Friday"))
        #expect(r.stdout.contains("Target:      command /bin/true"))
        #expect(r.stdout.contains("State:       active"))
        let after = try #require(r.stdout.components(separatedBy: "Next fires (Europe/Berlin):\n").last)
        let fires = after.split(separator: "\n")
        #expect(fires.count == 5)
        #expect(fires.allSatisfy { $0.contains(" 09:00:00 +0") && !$0.hasPrefix("  Sat") && !$0.hasPrefix("  Sun") })

        let object = try await ws.show("report")
        #expect((object["next_fires"] as? [String])?.count == 5)
        #expect((object["state"] as? [String: Any])?["paused_reason"] == nil)
    }

    @Test func edit_changesOnlyTheFlagsGiven_andRecordsARevision() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("schedule", "edit", "ping", "--every", "1m", "--method", "POST", "--header", "X-Team: ops")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("revision 2"))
        let s = try #require(try await ws.schedules().first)
        #expect(s.revision == 2)
        #expect(s.timing.rule == "every 1m")
        #expect(s.target == .http(HTTPTarget(method: "POST", url: "https://example.com/hook", headers: ["X-Team": "ops"])))

        // The same flags again change nothing and record nothing.
        let again = try await ws.pacer("schedule", "edit", "ping", "--every", "1m")
        #expect(again.status == 0)
        #expect(again.stdout.contains("unchanged"))
        let revisions = try await ws.withStore { try await $0.revisions(scheduleID: s.id) }
        #expect(revisions.map(\.revision) == [1, 2])

        // Renaming, and addressing by id.
        let renamed = try await ws.pacer("schedule", "edit", s.id, "--name", "pong", "--json")
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect((try renamed.json() as? [String: Any])?["revision"] as? Int == 3)
        #expect(try await ws.pacer("schedule", "show", "pong").status == 0)
    }

    @Test func pauseAndResume_changeTheState() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let paused = try await ws.pacer("schedule", "pause", "ping", "--reason", "maintenance")
        #expect(paused.status == 0, "\(paused.stderr)")
        var state = try #require(try await ws.show("ping")["state"] as? [String: Any])
        #expect(state["paused_reason"] as? String == "maintenance")
        #expect(try await ws.pacer("schedule", "resume", "ping").status == 0)
        state = try #require(try await ws.show("ping")["state"] as? [String: Any])
        #expect(state["paused_reason"] == nil)
        // Pausing does not create a revision.
        #expect(try await ws.schedules().first?.revision == 1)
    }

    @Test func run_recordsAQueuedManualRun_andHistoryListsIt() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("schedule", "run", "ping")
        #expect(r.status == 0, "\(r.stderr)")
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("run_"))
        let run = try #require(try await ws.withStore { try await $0.run(id: id) })
        #expect(run.status == .queued)
        #expect(run.trigger == .manual)
        #expect(run.attempt == 1)
        #expect(run.scheduledAt == run.firesAt)
        #expect(abs(run.scheduledAt.timeIntervalSinceNow) < 60)

        let history = try await ws.pacer("schedule", "history", "ping")
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.rows.first == ["SCHEDULED", "RUN", "STATUS", "STEP", "ATTEMPT", "TRIGGER", "DURATION", "DETAIL"])
        #expect(history.rows.dropFirst().first?.contains(id) == true)
        #expect(history.rows.dropFirst().first?.contains("manual") == true)
        let json = try #require(try await ws.pacer("schedule", "history", "ping", "--json").json() as? [[String: Any]])
        #expect(json.map { $0["id"] as? String } == [id])
    }

    @Test(arguments: [(Run.Status.succeeded, Int32(0)), (.failed, 1)])
    func runWait_waitsForTheServerToFinish_andExitsByStatus(outcome: Run.Status, status: Int32) async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let server = try ws.holdServeLock()  // a server holds the store: the CLI leaves the run to it
        defer { server.release() }
        let cli = try ws.start(["schedule", "run", "ping", "--wait", "--timeout", "30s"])
        // Play the server: take the queued run and finish it.
        let run: Run = try await ws.withStore { store in
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let s = try #require(try await store.schedules().first)
                if let queued = try await store.activeRuns(scheduleID: s.id).first {
                    _ = try await store.startRun(id: queued.id, owner: "test", at: Date())
                    return try await store.finishRun(id: queued.id, owner: "test", status: outcome, at: Date(),
                                                     output: "hello from the run", error: outcome == .failed ? "exit status 3" : nil)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw CancellationError()
        }
        let r = try await cli.wait()
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(run.id + "\nqueued for the `pacer serve` on this database\n"), "\(r.stdout)")
        #expect(r.stdout.contains(outcome.rawValue))
        if outcome == .failed { #expect(r.stderr.contains("run \(run.id) failed: exit status 3")) }

        let history = try await ws.pacer("schedule", "history", "ping")
        #expect(history.stdout.contains(outcome == .failed ? "exit status 3" : "hello from the run"))
    }

    @Test func runWait_givesUpAfterTheTimeout() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let server = try ws.holdServeLock()
        defer { server.release() }
        let r = try await ws.pacer("schedule", "run", "ping", "--wait", "--timeout", "0.3s")
        #expect(r.status == 1)
        #expect(r.stderr.contains("is still queued"))
    }

    @Test func revisionsAndRollback_restoreAPastDefinition() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        #expect(try await ws.pacer("schedule", "edit", "ping", "--every", "5m").status == 0)
        let list = try await ws.pacer("schedule", "revisions", "ping")
        #expect(list.status == 0)
        #expect(list.rows.first == ["REVISION", "CREATED", "AUTHOR", "NAME", "RULE", "TARGET"])
        #expect(list.rows.count == 3)
        #expect(list.rows[2].first == "2 *")
        #expect(list.rows[1].contains("every 30s (UTC)"))

        let r = try await ws.pacer("schedule", "rollback", "ping", "--to", "1")
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try await ws.schedules().first)
        #expect(s.revision == 3)
        #expect(s.timing.rule == "every 30s")
        let json = try #require(try await ws.pacer("schedule", "revisions", "ping", "--json").json() as? [[String: Any]])
        #expect(json.map { $0["revision"] as? Int } == [1, 2, 3])
        #expect(json.allSatisfy { $0["author"] as? String == "cli" })

        let missing = try await ws.pacer("schedule", "rollback", "ping", "--to", "9")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no revision 9"))
    }

    @Test func rm_deletesTheSchedule() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("schedule", "rm", "ping")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try await ws.schedules().isEmpty)
        #expect(try await ws.pacer("schedule", "list").stdout.hasPrefix("no schedules"))
    }

    @Test(arguments: [["show"], ["edit", "--every", "1m"], ["rm"], ["pause"], ["resume"], ["run"], ["history"],
                      ["revisions"], ["rollback", "--to", "1"]])
    func unknownSchedule_exits1NamingIt(command: [String]) async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.start(["schedule", command[0], "nosuch"] + command.dropFirst()).wait()
        #expect(r.status == 1)
        #expect(r.stderr == "pacer: no schedule named 'nosuch'\n")
    }

    @Test func databaseOption_fallsBackToTheEnvironment() async throws {
        let ws = try Workspace()
        let r = try await ws.pacerRaw(["schedule", "add", "--name", "env", "--every", "1m", "--http", "https://example.com"],
                                environment: ["PACER_DATABASE": ws.database])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try await ws.schedules().map(\.name) == ["env"])
        // Without either, ./pacer.db in the working directory (the same file here).
        let list = try await ws.pacerRaw(["schedule", "list", "--json"])
        #expect((try list.json() as? [Any])?.count == 1)
    }
}
