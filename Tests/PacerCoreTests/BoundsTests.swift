import Foundation
import Testing
@testable import PacerCore

/// Every number and size a definition holds is bounded at validation: a value the store, the
/// engine or the CLI could not represent never gets that far.
@Suite struct BoundsTests {
    typealias Edit = @Sendable (inout Schedule) -> Void

    static let huge = 1e300
    static let edits: [(String, Edit)] = [
        ("timing.jitter", { $0.timing.jitterSeconds = huge }),
        ("timing.max_fires", { $0.timing.maxFires = Int.max }),
        ("timing.anchor", { $0.timing.anchor = Date(timeIntervalSince1970: huge) }),
        ("timing.starts_at", { $0.timing.startsAt = Date(timeIntervalSince1970: -huge) }),
        ("policies.misfire_grace", { $0.policies.misfireGraceSeconds = huge }),
        ("policies.catchup_limit", { $0.policies.catchupLimit = Int.max }),
        ("policies.retry.max_attempts", { $0.policies.retry.maxAttempts = Int.max }),
        ("policies.retry.backoff_base_seconds", { $0.policies.retry.backoffBaseSeconds = huge; $0.policies.retry.backoffCapSeconds = huge }),
        ("policies.retry.backoff_cap_seconds", { $0.policies.retry.backoffCapSeconds = huge }),
        ("policies.retry.backoff_factor", { $0.policies.retry.backoffFactor = huge }),
        ("policies.retry.jitter_fraction", { $0.policies.retry.jitterFraction = huge }),
        ("policies.timeout_seconds", { $0.policies.timeoutSeconds = huge }),
        ("policies.pause_after_failures", { $0.policies.pauseAfterFailures = Int.max }),
        ("policies.keep_last", { $0.policies.keepLast = Int.max }),
        ("policies.exclusions", { $0.policies.exclusions = Array(repeating: "@daily", count: 101) }),
        ("caps.max_resumes", { $0.caps.maxResumes = Int.max }),
        ("caps.max_lifetime_hours", { $0.caps.maxLifetimeHours = huge }),
        ("caps.max_total_tokens", { $0.caps.maxTotalTokens = Int.max }),
        ("caps.max_cost", { $0.caps.maxCost = huge }),
        ("dispatch.max_items_per_fire", { $0.dispatch.maxItemsPerFire = Int.max }),
        ("target.url", { $0.target = .http(HTTPTarget(url: "https://example.com/" + String(repeating: "a", count: 9000))) }),
        ("target.headers", { $0.target = .http(HTTPTarget(url: "https://e.com/",
                                                          headers: Dictionary(uniqueKeysWithValues: (0..<101).map { ("X-H\($0)", "v") }))) }),
        ("target.headers.X-Long", { $0.target = .http(HTTPTarget(url: "https://e.com/", headers: ["X-Long": String(repeating: "v", count: 9000)])) }),
        ("target.argv", { $0.target = .command(CommandTarget(argv: Array(repeating: "x", count: 1001))) }),
        ("target.env", { $0.target = .command(CommandTarget(argv: ["/bin/true"], env: Dictionary(uniqueKeysWithValues: (0..<1001).map { ("V\($0)", "") }))) }),
        ("target.interval_seconds", { $0.target = .monitor(MonitorSpec(check: .delay(seconds: 1), intervalSeconds: huge)) }),
        ("target.check.seconds", { $0.target = .monitor(MonitorSpec(check: .delay(seconds: huge))) }),
        ("target.max_attempts", { $0.target = .monitor(MonitorSpec(check: .delay(seconds: 1), maxAttempts: Int.max)) }),
        ("target.check.expected_status", { $0.target = .monitor(MonitorSpec(check: .pollURL(PollURL(url: "https://e.com/", expectedStatus: Int.max)))) }),
        ("delivery.smtp_port", { $0.delivery = .email(EmailDelivery(smtpHost: "mail", smtpPort: Int.max, from: "a@b.c", to: ["d@e.f"])) }),
    ]

    @Test(arguments: edits.map(\.0))
    func extremeValue_isRefused_namingItsField(field: String) {
        var s = fullSchedule()
        Self.edits.first { $0.0 == field }!.1(&s)
        let errors = s.validate()
        #expect(errors.map(\.field).contains(field), "\(field): \(errors)")
    }

    @Test func largestAcceptedValues_areValid() {
        var s = fullSchedule()
        s.policies.retry = RetryPolicy(maxAttempts: 100, backoffBaseSeconds: Limits.longWaitSeconds, backoffFactor: 100,
                                       backoffCapSeconds: Limits.longWaitSeconds, jitterFraction: 1)
        s.policies.misfireGraceSeconds = Limits.misfireGraceSeconds
        s.caps = Caps(maxResumes: Caps.maxResumesLimit, maxLifetimeHours: Limits.lifetimeHours, maxTotalTokens: Caps.maxTokensLimit,
                      maxCost: Caps.maxCostLimit)
        s.timing.maxFires = Limits.maxFires
        #expect(s.validate() == [])
    }

    @Test(arguments: [
        ("bidi override", "safe\u{202E}txt.exe"), ("control", "tab\there"), ("zero width", "a\u{200B}b"),
        ("id-shaped", "sch_01jq3v7m2k8x9c4d5e6f7g8h9j"), ("padded", " name "),
    ])
    func names_withoutInvisibleCharacters_andNotShapedLikeIDs(what: String, name: String) {
        var s = fullSchedule()
        s.name = name
        #expect(s.validate().map(\.field) == ["name"], "\(what)")
        var a = Agent(id: "agt_1", name: name, provider: .openai, baseURL: "https://e.com/v1", model: "m", createdAt: t0)
        #expect(a.validate().map(\.field) == ["name"], "\(what)")
        a.name = "run_backup"  // a word that merely starts like a prefix is fine
        #expect(a.validate() == [])
    }

    @Test func durationText_refusesWhatItCannotRepresent() {
        #expect(DurationText.seconds("99999999999999999999s") == nil)
        #expect(DurationText.seconds("1e300") == nil)
        #expect(DurationText.seconds("11000d") == nil)
        #expect(DurationText.seconds("3650d").map(Int.init) == 3650 * 86_400)
        #expect(DurationText.seconds("1h30m") == 5400)
    }
}
