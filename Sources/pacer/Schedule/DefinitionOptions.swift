import ArgumentParser
import Foundation
import PacerCore

/// The flags that define a schedule, shared by `schedule add` (which needs a name, a timing
/// and a target) and `schedule edit` (where only the flags given change anything).
struct DefinitionOptions: ParsableArguments {
    // MARK: Identity

    @Option(help: "The schedule's name, unique in the store.")
    var name: String?

    @Option(help: "Free text kept with the schedule ('' clears it).")
    var notes: String?

    @Option(help: "Who owns it; its runs act with the owner's rights (default: cli).")
    var owner: String?

    @Flag(help: "Keep the definition but never fire.")
    var disabled = false

    @Flag(help: "Fire again (with edit, undoes --disabled).")
    var enabled = false

    // MARK: Timing

    @Option(help: ArgumentHelp("A cron expression, e.g. '0 9 * * 1-5' (quote it).", valueName: "expr"))
    var cron: String?

    @Option(help: ArgumentHelp("A fixed interval: 30s, 5m, 2h, 1h30m.", valueName: "duration"))
    var every: String?

    @Option(help: ArgumentHelp("Any rule text: cron or human ('every weekday at 09:00'); see docs/rules.md.", valueName: "text"))
    var rule: String?

    @Option(help: ArgumentHelp("Fire once at an RFC 3339 instant, e.g. 2026-12-24T18:00:00+01:00.", valueName: "instant"))
    var at: String?

    @Option(help: ArgumentHelp("IANA time zone of the rule, e.g. Europe/Berlin (default: UTC).", valueName: "zone"))
    var tz: String?

    @Option(help: ArgumentHelp("Delay each fire by a fixed pseudo-random offset up to this long.", valueName: "duration"))
    var jitter: String?

    @Option(help: ArgumentHelp("No fire before this RFC 3339 instant ('none' clears it).", valueName: "instant"))
    var startsAt: String?

    @Option(help: ArgumentHelp("No fire after this RFC 3339 instant ('none' clears it).", valueName: "instant"))
    var endsAt: String?

    @Option(help: "Fire at most this many times.")
    var maxFires: Int?

    // MARK: Target

    @Option(help: ArgumentHelp("Send an HTTP request to this URL.", valueName: "url"))
    var http: String?

    @Option(help: "HTTP method (default: GET).")
    var method: String?

    @Option(help: ArgumentHelp("An HTTP header, 'Name: value' (repeatable).", valueName: "header"))
    var header: [String] = []

    @Option(help: ArgumentHelp("A secret HTTP header read from the server's environment, Name=ENV_VAR (repeatable).", valueName: "name=env"))
    var headerEnv: [String] = []

    @Option(help: ArgumentHelp("HTTP body, a Mustache template.", valueName: "template"))
    var body: String?

    @Option(help: ArgumentHelp("Run a command; split into words like a shell would (no expansion). A relative program is resolved against the current directory.", valueName: "cmd"))
    var command: String?

    @Option(help: ArgumentHelp("Environment for the command, NAME=value (repeatable).", valueName: "name=value"))
    var env: [String] = []

    @Option(help: ArgumentHelp("Working directory of the command (default: the current directory).", valueName: "dir"))
    var workdir: String?

    @Flag(help: "Run the command through /bin/sh -c (the whole --command text is the script).")
    var shell = false

    @OptionGroup(title: "Agent target and caps")
    var session: AgentTargetOptions

    // MARK: Policies

    @Option(help: "When the previous run is still going: skip, buffer_one, allow or cancel_previous.")
    var overlap: String?

    @Option(help: "When fires were missed: skip, run_once or run_all.")
    var misfire: String?

    @Option(help: ArgumentHelp("A fire later than this is a misfire (default: 60s).", valueName: "seconds"))
    var misfireGrace: String?

    @Option(help: "With --misfire run_all, at most this many catch-up runs.")
    var catchupLimit: Int?

    @Option(help: "Attempts in all, the first included (1 = no retry).")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp("Delay before the first retry (default: 30s).", valueName: "duration"))
    var backoffBase: String?

    @Option(help: ArgumentHelp("Stop a run after this long (default: 15m).", valueName: "duration"))
    var timeout: String?

    @Option(help: "Pause the schedule after this many failed runs in a row.")
    var pauseAfterFailures: Int?

    @Option(help: "Keep at most this many finished runs.")
    var keepLast: Int?

    @Option(help: ArgumentHelp("Skip fires matching this rule (repeatable; 'none' clears them).", valueName: "rule"))
    var exclude: [String] = []

    // MARK: Delivery and dispatch

    @Option(help: ArgumentHelp("Where results go: none, stdout, log:/abs/path, webhook:URL or slack:URL.", valueName: "where"))
    var deliver: String?

    @Flag(help: "One run per item of the item source.")
    var perItem = false

    @Flag(help: "One run per fire (with edit, undoes --per-item).")
    var single = false

    @Option(help: ArgumentHelp("Items as a JSON array.", valueName: "json"))
    var itemsJson: String?

    @Option(help: ArgumentHelp("Items from an HTTP GET returning a JSON array.", valueName: "url"))
    var itemsUrl: String?

    @Option(help: ArgumentHelp("Items from a command printing a JSON array.", valueName: "cmd"))
    var itemsCommand: String?

    @Option(help: ArgumentHelp("Dotted path of each item's key, e.g. id or user.login.", valueName: "path"))
    var itemKey: String?

    @Option(help: "Most items taken per fire (default: 100).")
    var maxItems: Int?

    @Option(help: ArgumentHelp("With --per-item, tell this place when an item's run starts; same forms as --deliver ('none' removes it).", valueName: "where"))
    var notify: String?

    // MARK: Building

    /// The flag that sets the rule, if one was given.
    var timingFlag: String? {
        [("--cron", cron), ("--every", every), ("--rule", rule), ("--at", at)].first { $0.1 != nil }?.0
    }

    /// A new schedule from the flags.
    /// - Parameters:
    ///   - now: its creation instant.
    ///   - cwd: the directory relative paths are resolved against.
    /// - Throws: ``CommandFailure`` (status 2) naming the flag or field at fault.
    func newSchedule(now: Date, cwd: String) throws -> Schedule {
        guard let name else { throw CommandFailure.usage("missing --name") }
        if timingFlag == nil {
            throw CommandFailure.usage("missing a rule: give one of --cron EXPR, --every DURATION, --rule TEXT or --at INSTANT")
        }
        if http == nil, command == nil, session.agent == nil {
            throw CommandFailure.usage("missing a target: give --http URL or --command CMD, or --agent NAME with --prompt TEXT")
        }
        var schedule = Schedule(
            id: PacerID.make(.schedule, at: now), name: name, owner: owner ?? "cli",
            timing: ScheduleTiming(rule: ""), target: .http(HTTPTarget(url: "")), createdAt: now)
        try apply(to: &schedule, cwd: cwd, creating: true)
        return schedule
    }

    /// Applies the flags given to a definition and validates the result.
    /// - Parameters:
    ///   - schedule: the definition to change.
    ///   - cwd: the directory relative paths are resolved against.
    ///   - creating: whether this is a new schedule (its command target gets `cwd` as working
    ///     directory).
    /// - Throws: ``CommandFailure`` (status 2) naming the flag or field at fault.
    func apply(to schedule: inout Schedule, cwd: String, creating: Bool) throws {
        if let name { schedule.name = name }
        if let owner { schedule.owner = owner }
        if let notes { schedule.notes = notes.isEmpty ? nil : notes }
        if disabled && enabled { throw CommandFailure.usage("give either --disabled or --enabled, not both") }
        if disabled { schedule.enabled = false }
        if enabled { schedule.enabled = true }
        try applyTiming(to: &schedule.timing)
        try session.applyTarget(to: &schedule.target, cwd: cwd, creating: creating,
                                otherKind: http != nil ? "--http" : command != nil ? "--command" : nil)
        try applyTarget(to: &schedule.target, cwd: cwd, creating: creating)
        try applyPolicies(to: &schedule.policies)
        try applyDispatch(to: &schedule.dispatch, cwd: cwd)
        try applyNotify(to: &schedule.dispatch)
        try session.applyCaps(to: &schedule.caps)
        if let deliver { schedule.delivery = try Self.delivery(deliver) }
        do {
            try schedule.requireValid()
        } catch {
            throw CommandFailure.invalid(error, flag: flag(for:))
        }
    }

    private func applyTiming(to timing: inout ScheduleTiming) throws {
        let given = [cron, every, rule, at].compactMap { $0 }
        if given.count > 1 { throw CommandFailure.usage("give only one of --cron, --every, --rule and --at") }
        if let cron { timing.rule = cron }
        if let rule { timing.rule = rule }
        for (flag, shorthand, text) in [("--every", RuleShorthand.every, every), ("--at", .at, at)] {
            guard let text else { continue }
            do {
                timing.rule = try shorthand.rule(text, now: Date())
            } catch {
                throw CommandFailure.usage("\(flag): \(error.message)")
            }
        }
        if let tz { timing.timezone = tz }
        if let jitter { timing.jitterSeconds = try Self.duration(jitter, "--jitter") }
        if let startsAt { timing.startsAt = try Self.instant(startsAt, "--starts-at") }
        if let endsAt { timing.endsAt = try Self.instant(endsAt, "--ends-at") }
        if let maxFires { timing.maxFires = maxFires }
    }

    private func applyPolicies(to p: inout Policies) throws {
        if let overlap { p.overlap = try Self.choice(overlap, "--overlap") }
        if let misfire { p.misfire = try Self.choice(misfire, "--misfire") }
        if let misfireGrace { p.misfireGraceSeconds = try Self.duration(misfireGrace, "--misfire-grace") }
        if let catchupLimit { p.catchupLimit = catchupLimit }
        if let maxAttempts { p.retry.maxAttempts = maxAttempts }
        if let backoffBase {
            p.retry.backoffBaseSeconds = try Self.duration(backoffBase, "--backoff-base")
            p.retry.backoffCapSeconds = max(p.retry.backoffCapSeconds, p.retry.backoffBaseSeconds)
        }
        if let timeout { p.timeoutSeconds = try Self.duration(timeout, "--timeout") }
        if let pauseAfterFailures { p.pauseAfterFailures = pauseAfterFailures }
        if let keepLast { p.keepLast = keepLast }
        if !exclude.isEmpty { p.exclusions = exclude == ["none"] ? [] : exclude }
    }

    /// The command-line flag behind a wire field of the definition, for error messages.
    func flag(for field: String) -> String? {
        let table: [(String, String)] = [
            ("name", "--name"), ("owner", "--owner"), ("notes", "--notes"),
            ("timing.rule", timingFlag ?? "--rule"), ("timing.timezone", "--tz"), ("timing.jitter", "--jitter"),
            ("timing.starts_at", "--starts-at"), ("timing.ends_at", "--ends-at"), ("timing.max_fires", "--max-fires"),
            ("target.url", "--http"), ("target.method", "--method"), ("target.headers_from_env", "--header-env"),
            ("target.headers", "--header"), ("target.body", "--body"), ("target.argv", "--command"),
            ("target.env", "--env"), ("target.working_dir", "--workdir"),
            ("target.agent", "--agent"), ("target.prompt", session.promptFlag ?? "--prompt"),
            ("caps.max_resumes", "--max-resumes"), ("caps.max_lifetime_hours", "--max-lifetime"),
            ("caps.max_total_tokens", "--max-tokens"), ("caps.max_cost", "--max-cost"), ("dispatch.notify", "--notify"),
            ("policies.overlap", "--overlap"), ("policies.misfire_grace", "--misfire-grace"), ("policies.misfire", "--misfire"),
            ("policies.catchup_limit", "--catchup-limit"), ("policies.retry.max_attempts", "--max-attempts"),
            ("policies.retry.backoff", "--backoff-base"), ("policies.timeout_seconds", "--timeout"),
            ("policies.pause_after_failures", "--pause-after-failures"), ("policies.keep_last", "--keep-last"),
            ("policies.exclusions", "--exclude"), ("delivery", "--deliver"),
            ("dispatch.source", itemsFlag ?? "--per-item"), ("dispatch.item_key", "--item-key"),
            ("dispatch.max_items_per_fire", "--max-items"),
        ]
        return table.first { field == $0.0 || field.hasPrefix($0.0 + ".") || field.hasPrefix($0.0 + "[") || field.hasPrefix($0.0 + "_") }?.1
    }

    var itemsFlag: String? {
        [("--items-json", itemsJson), ("--items-url", itemsUrl), ("--items-command", itemsCommand)].first { $0.1 != nil }?.0
    }

    // MARK: Values

    static func duration(_ text: String, _ flag: String) throws -> Double {
        guard let seconds = DurationText.seconds(text) else {
            throw CommandFailure.usage("\(flag): '\(text)' is not a duration such as 30s, 5m or 2h")
        }
        return seconds
    }

    static func instant(_ text: String, _ flag: String) throws -> Date? {
        if text == "none" { return nil }
        guard let date = PacerJSON.parse(text) else {
            throw CommandFailure.usage("\(flag): '\(text)' is not an RFC 3339 instant such as 2026-12-24T18:00:00+01:00")
        }
        return date
    }

    static func choice<E: WireEnum>(_ text: String, _ flag: String) throws -> E {
        guard let value = E(rawValue: text.replacingOccurrences(of: "-", with: "_")) else {
            throw CommandFailure.usage("\(flag): unknown \(E.wireName) '\(text)'; expected \(E.choices)")
        }
        return value
    }

    static func delivery(_ text: String, flag: String = "--deliver") throws -> Delivery {
        if text == "none" { return .none }
        if text == "stdout" { return .stdout }
        if text.hasPrefix("log:") { return .log(LogDelivery(path: String(text.dropFirst(4)))) }
        if text.hasPrefix("webhook:") { return .webhook(WebhookDelivery(url: String(text.dropFirst(8)))) }
        if text.hasPrefix("slack:") { return .slack(SlackDelivery(webhookURL: String(text.dropFirst(6)))) }
        throw CommandFailure.usage("\(flag): '\(text)' is not none, stdout, log:/abs/path, webhook:URL or slack:URL")
    }
}
