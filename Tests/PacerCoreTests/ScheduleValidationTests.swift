import Foundation
import Recurrence
import Testing
@testable import PacerCore

@Suite struct ScheduleValidationTests {
    @Test func fullSchedule_isValid() {
        #expect(fullSchedule().validate() == [])
        #expect(throws: Never.self) { try fullSchedule().requireValid() }
    }

    @Test func manyBadFields_areAllReported_atOnce() throws {
        var s = fullSchedule()
        s.name = "   "
        s.timing = ScheduleTiming(rule: "60 9 * * *", timezone: "Mars/Base", startsAt: t0, endsAt: t0.addingTimeInterval(-1),
                                  maxFires: 0, jitterSeconds: -5)
        s.target = .http(HTTPTarget(method: "FETCH", url: "ftp://example.com/x", headersFromEnv: ["Authorization": "sk-live-123"]))
        s.dispatch = Dispatch(mode: .perItem, source: nil, itemKey: "a..b", maxItemsPerFire: 0)
        s.policies.timeoutSeconds = 0
        s.policies.retry.maxAttempts = 0
        s.policies.retry.backoffFactor = 0.5
        s.policies.exclusions = ["@daily", "0 0 30 2 *"]
        s.caps = Caps(maxResumes: 0, maxCost: -1)
        s.delivery = .webhook(WebhookDelivery(url: "not a url"))

        let errors = s.validate()
        #expect(Set(errors.map(\.field)) == [
            "name", "timing.rule", "timing.timezone", "timing.ends_at", "timing.max_fires", "timing.jitter",
            "target.method", "target.url", "target.headers_from_env.Authorization",
            "dispatch.source", "dispatch.item_key", "dispatch.max_items_per_fire",
            "policies.timeout_seconds", "policies.retry.max_attempts", "policies.retry.backoff_factor", "policies.exclusions[1]",
            "caps.max_resumes", "caps.max_cost", "delivery.url",
        ])
        #expect(errors.count == 19)
        let byField = Dictionary(errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["timing.timezone"] == "unknown time zone 'Mars/Base'; use an IANA name such as Europe/Berlin")
        #expect(byField["timing.rule"] == "minute: 60 is out of range 0-59")
        #expect(byField["policies.exclusions[1]"] == "day-of-month: 30 never occurs in February")
        #expect(byField["target.method"]?.contains("'FETCH'") == true)
        #expect(byField["target.url"] == "'ftp://example.com/x' is not an absolute http or https URL")
        #expect(byField["target.headers_from_env.Authorization"]?.contains("'sk-live-123'") == true)
        #expect(byField["dispatch.source"] == "per_item dispatch needs an item source")

        let thrown = #expect(throws: ValidationError.self) { try s.requireValid() }
        #expect(thrown?.errors == errors)
    }

    @Test(arguments: [
        (Target.command(CommandTarget(argv: [])), "target.argv"),
        (Target.command(CommandTarget(argv: ["ls"], env: ["1BAD": "x"])), "target.env"),
        (Target.command(CommandTarget(argv: ["ls"], workingDir: "relative/dir")), "target.working_dir"),
        (Target.agent(AgentTarget(agent: "", prompt: "hi")), "target.agent"),
        (Target.workflow(WorkflowTarget(workflowID: " ")), "target.workflow_id"),
        (Target.monitor(MonitorSpec(check: .pollURL(PollURL(url: "https://x.test", expectedStatus: 999)))), "target.check.expected_status"),
    ])
    func badTarget_namesTheField(target: Target, field: String) {
        var s = fullSchedule()
        s.target = target
        #expect(s.validate().map(\.field) == [field])
    }

    @Test(arguments: [
        (Delivery.slack(SlackDelivery()), "delivery.webhook_url"),
        (Delivery.slack(SlackDelivery(webhookURLEnv: "slack-hook")), "delivery.webhook_url_env"),
        (Delivery.telegram(TelegramDelivery(botTokenEnv: "TOKEN", chatID: "1", baseURL: "api.telegram.org")), "delivery.base_url"),
        (Delivery.email(EmailDelivery(smtpHost: "smtp.test", smtpPort: 0, passwordEnv: "PW", from: "a@b.test", to: ["a@b.test"])), "delivery.smtp_port"),
        (Delivery.email(EmailDelivery(smtpHost: "smtp.test", passwordEnv: "hunter2!", from: "a@b.test", to: ["a@b.test"])), "delivery.password_env"),
        (Delivery.email(EmailDelivery(smtpHost: "smtp.test", from: "a@b.test", to: ["nobody"])), "delivery.to[0]"),
        (Delivery.log(LogDelivery(path: "out.log")), "delivery.path"),
    ])
    func badDelivery_namesTheField(delivery: Delivery, field: String) {
        var s = fullSchedule()
        s.delivery = delivery
        #expect(s.validate().map(\.field) == [field])
    }

    @Test func longName_isRejected_withLength() {
        var s = fullSchedule()
        s.name = String(repeating: "x", count: 201)
        #expect(s.validate() == [FieldError(field: "name", message: "is 201 characters long; at most 200 are allowed")])
    }

    @Test func cadence_followsTheTiming() throws {
        var s = fullSchedule()
        s.timing = ScheduleTiming(rule: "0 9 * * *", timezone: "Europe/Berlin")
        let cadence = try s.cadence()
        // 2026-03-09T09:00 in Berlin is 08:00Z.
        #expect(cadence.next(after: Int64(t0.timeIntervalSince1970)) == Timestamp.parse("2026-03-09T08:00:00Z"))
        s.timing.timezone = "Mars/Base"
        let error = #expect(throws: RecurrenceError.self) { try s.cadence() }
        #expect(error?.field == "timezone")
    }

    @Test func exclusions_skipMatchingInstants() throws {
        var s = fullSchedule()
        s.policies.exclusions = ["* * 25 12 *"]
        let ex = try s.exclusionCadences()
        #expect(Schedule.isExcluded(Timestamp.parse("2026-12-25T08:00:00Z")!, by: ex))
        #expect(!Schedule.isExcluded(Timestamp.parse("2026-12-24T08:00:00Z")!, by: ex))
    }

    @Test func retryDelay_growsAndIsCapped() {
        let r = RetryPolicy(maxAttempts: 10, backoffBaseSeconds: 30, backoffFactor: 2, backoffCapSeconds: 100, jitterFraction: 0.5)
        #expect(r.delay(beforeAttempt: 1, unit: 0) == nil)
        #expect(r.delay(beforeAttempt: 2, unit: 0) == 30)
        #expect(r.delay(beforeAttempt: 3, unit: 0) == 60)
        #expect(r.delay(beforeAttempt: 4, unit: 0) == 100)
        #expect(r.delay(beforeAttempt: 4, unit: 1) == 50)
        #expect(r.delay(beforeAttempt: 11, unit: 0) == nil)
    }

    @Test func perItemKeys_comeFromThePath() {
        let d = Dispatch(mode: .perItem, source: .static([]), itemKey: "user.login")
        #expect(d.key(of: ["user": ["login": "ada"]], index: 3) == "ada")
        #expect(d.key(of: ["user": ["id": 7]], index: 3) == "3")
        #expect(Dispatch(itemKey: "$.n").key(of: ["n": 7], index: 0) == "7")
    }
}
