import Foundation
import PacerCore
import PacerStore
import Testing

/// `schedule add` arguments: a valid ping schedule with `extra` flags; a timing or target flag
/// in `extra` replaces the default one.
private func add(_ extra: String...) -> [String] {
    let timing = ["--cron", "--every", "--rule", "--at"], target = ["--http", "--command"]
    var args = ["schedule", "add"]
    if !extra.contains("--name") { args += ["--name", "x"] }
    if !extra.contains(where: timing.contains) { args += ["--every", "30s"] }
    if !extra.contains(where: target.contains) { args += ["--http", "https://example.com/hook"] }
    return args + extra
}

@Suite struct ScheduleBadInputTests {
    @Test(arguments: [
        (add("--every", "30x"), "--every: '30x' is not a duration"),
        (add("--every", "0s"), "--every: '0s' must be a whole number of seconds, at least 1s"),
        (add("--cron", "60 * * * *"), "timing.rule (--cron): minute: 60 is out of range 0-59"),
        (add("--cron", "0 0 30 2 *"), "timing.rule (--cron): day-of-month: 30 never occurs in February"),
        (add("--rule", "every 0s"), "timing.rule (--rule): every: 0 must be at least 1"),
        (add("--at", "tomorrow"), "--at: 'tomorrow' is not an RFC 3339 instant"),
        (add("--at", "2020-01-01T00:00:00Z"), "--at: '2020-01-01T00:00:00Z' is in the past"),
        (add("--tz", "Mars/Base"), "timing.timezone (--tz): unknown time zone 'Mars/Base'"),
        (add("--jitter", "lots"), "--jitter: 'lots' is not a duration"),
        (add("--jitter", "2d"), "timing.jitter (--jitter): 172800.0 must be between 0 and 86400 seconds"),
        (add("--starts-at", "soon"), "--starts-at: 'soon' is not an RFC 3339 instant"),
        (add("--starts-at", "2027-01-01T00:00:00Z", "--ends-at", "2026-01-01T00:00:00Z"), "timing.ends_at (--ends-at): 2026-01-01T00:00:00Z is before starts_at"),
        (add("--max-fires", "0"), "timing.max_fires (--max-fires): 0 must be between 1 and 1000000000"),
        (add("--max-fires", "few"), "The value 'few' is invalid for '--max-fires"),
        (add("--http", "ftp://example.com"), "target.url (--http): 'ftp://example.com' is not an absolute http or https URL"),
        (add("--method", "FETCH"), "target.method (--method): 'FETCH' is not a known HTTP method"),
        (add("--header", "no colon"), "--header: 'no colon' is not 'Name: value'"),
        (add("--header", "Bad Name: v"), "target.headers (--header): 'Bad Name' is not a valid header name"),
        (add("--header-env", "Authorization"), "--header-env: 'Authorization' is not Header=ENV_VAR"),
        (add("--header-env", "Authorization=1TOKEN"), "target.headers_from_env.Authorization (--header-env): '1TOKEN' is not an environment variable name"),
        (add("--body", "{{#open}}"), "target.body (--body): template does not compile"),
        (add("--command", "run 'unclosed"), "--command: cannot split 'run 'unclosed': unterminated ' quote"),
        (add("--command", "  "), "--command: is empty"),
        (add("--command", "/bin/true", "--env", "NOVALUE"), "--env: 'NOVALUE' is not NAME=value"),
        (add("--command", "/bin/true", "--env", "1X=y"), "target.env (--env): '1X' is not an environment variable name"),
        (add("--workdir", "/tmp"), "--workdir: the target is not a command; give --command CMD"),
        (add("--command", "/bin/true", "--method", "POST"), "--method: the target is not an HTTP request"),
        (add("--shell"), "--shell: only with --command"),
        (add("--overlap", "sometimes"), "--overlap: unknown overlap policy 'sometimes'; expected skip, buffer_one, allow or cancel_previous"),
        (add("--misfire", "later"), "--misfire: unknown misfire policy 'later'; expected skip, run_once or run_all"),
        (add("--misfire-grace", "soon"), "--misfire-grace: 'soon' is not a duration"),
        (add("--catchup-limit", "0"), "policies.catchup_limit (--catchup-limit): 0 must be between 1 and 10000"),
        (add("--max-attempts", "0"), "policies.retry.max_attempts (--max-attempts): 0 must be between 1 and 100"),
        (add("--max-attempts", "many"), "The value 'many' is invalid for '--max-attempts"),
        (add("--backoff-base", "0"), "policies.retry.backoff_base_seconds (--backoff-base): 0.0 must be more than 0"),
        (add("--timeout", "0s"), "policies.timeout_seconds (--timeout): 0.0 must be more than 0"),
        (add("--timeout", "forever"), "--timeout: 'forever' is not a duration"),
        (add("--pause-after-failures", "0"), "policies.pause_after_failures (--pause-after-failures): 0 must be between 1 and 10000"),
        (add("--keep-last", "0"), "policies.keep_last (--keep-last): 0 must be between 1 and 1000000000"),
        (add("--exclude", "0 0 32 * *"), "policies.exclusions[0] (--exclude): day-of-month: 32 is out of range 1-31"),
        (add("--deliver", "pigeon"), "--deliver: 'pigeon' is not none, stdout, log:/abs/path, webhook:URL or slack:URL"),
        (add("--deliver", "log:relative.log"), "delivery.path (--deliver): 'relative.log' is not an absolute path"),
        (add("--deliver", "webhook:nowhere"), "delivery.url (--deliver): 'nowhere' is not an absolute http or https URL"),
        (add("--per-item"), "dispatch.source (--per-item): per_item dispatch needs an item source"),
        (add("--items-json", "{\"not\": \"a list\"}"), "--items-json: '{\"not\": \"a list\"}' is not a JSON array"),
        (add("--items-url", "file:///etc/passwd"), "dispatch.source.url (--items-url): 'file:///etc/passwd' is not an absolute http or https URL"),
        (add("--items-command", "'"), "--items-command: cannot split"),
        (add("--items-json", "[]", "--item-key", "a..b"), "dispatch.item_key (--item-key): 'a..b' is not a dotted path"),
        (add("--items-json", "[]", "--max-items", "0"), "dispatch.max_items_per_fire (--max-items): 0 must be between 1 and 10000"),
        (add("--name", " "), "name (--name): must not be empty"),
        (add("--owner", ""), "owner (--owner): must not be empty"),
        (["schedule", "add", "--every", "30s", "--http", "https://example.com"], "missing --name"),
        (["schedule", "add", "--name", "x", "--http", "https://example.com"], "missing a rule: give one of --cron EXPR, --every DURATION"),
        (["schedule", "add", "--name", "x", "--every", "1m"], "missing a target: give --http URL or --command CMD"),
        (add("--cron", "* * * * *", "--every", "1m"), "give only one of --cron, --every, --rule and --at"),
        (add("--command", "/bin/true", "--http", "https://example.com"), "give either --http or --command, not both"),
        (add("--disabled", "--enabled"), "give either --disabled or --enabled, not both"),
        (add("--bogus"), "Unknown option '--bogus'"),
    ])
    func add_badValue_exits2NamingTheFlag_andStoresNothing(arguments: [String], message: String) async throws {
        let ws = try Workspace()
        let r = try await ws.start(arguments).wait()
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("pacer: "))
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules().isEmpty)
    }

    @Test func add_severalBadFields_reportsEachOnItsOwnLine() async throws {
        let ws = try Workspace()
        let r = try await ws.start(add("--tz", "Mars/Base", "--max-attempts", "0", "--http", "nowhere")).wait()
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("pacer: ") })
        #expect(lines.contains { $0.contains("timing.timezone (--tz)") })
        #expect(lines.contains { $0.contains("target.url (--http)") })
        #expect(lines.contains { $0.contains("policies.retry.max_attempts (--max-attempts)") })
    }

    @Test func add_takenName_exits2() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let r = try await ws.pacer("schedule", "add", "--name", "ping", "--every", "1m", "--http", "https://example.com/other")
        #expect(r.status == 2)
        #expect(r.stderr.contains("name (--name): a schedule named 'ping' exists already"))
        #expect(try await ws.schedules().map(\.timing.rule) == ["every 30s"])
    }

    @Test(arguments: [
        (["--every", "soon"], "--every: 'soon' is not a duration"),
        (["--tz", "Nowhere/City"], "timing.timezone (--tz): unknown time zone 'Nowhere/City'"),
        (["--max-attempts", "0"], "policies.retry.max_attempts (--max-attempts)"),
        (["--env", "A=b"], "--env: the target is not a command"),
        (["--http", "https://example.com/new", "--deliver", "log:x"], "delivery.path (--deliver)"),
        (["--name", ""], "name (--name): must not be empty"),
    ])
    func edit_badValue_exits2_andLeavesTheScheduleAsItWas(flags: [String], message: String) async throws {
        let ws = try Workspace()
        try await ws.addPing()
        let before = try await ws.schedules()
        let r = try await ws.start(["schedule", "edit", "ping"] + flags).wait()
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(try await ws.schedules() == before)
        let revisions = try await ws.withStore { try await $0.revisions(scheduleID: before[0].id) }
        #expect(revisions.count == 1)
    }

    @Test func otherCommands_badValues_exit2() async throws {
        let ws = try Workspace()
        try await ws.addPing()
        for (args, message) in [
            (["schedule", "history", "ping", "--limit", "0"], "--limit: 0 must be at least 1"),
            (["schedule", "rollback", "ping", "--to", "0"], "--to: 0 must be at least 1"),
            (["schedule", "pause", "ping", "--reason", " "], "--reason: must not be empty"),
            (["schedule", "run", "ping", "--wait", "--timeout", "later"], "--timeout: 'later' is not a duration"),
            (["schedule", "rollback", "ping"], "Missing expected argument '--to <to>'"),
        ] {
            let r = try await ws.start(args).wait()
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        }
    }
}
