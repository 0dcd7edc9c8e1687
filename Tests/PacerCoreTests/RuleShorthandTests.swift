import Foundation
import PacerCore
import Testing

/// The rule shorthands, read once for every surface.
@Suite struct RuleShorthandTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    @Test(arguments: [
        (RuleShorthand.every, "30s", "every 30s"), (.every, "90m", "every 90m"), (.every, "1.5h", "every 90m"), (.every, "1m30s", "every 90s"),
        (.cron, "0 9 * * 1-5", "0 9 * * 1-5"), (.rule, "every day at 09:00", "every day at 09:00"),
        (.at, "2027-02-01T10:00:00+01:00", "once 2027-02-01T10:00:00+01:00"),
        (.at, "2027-02-01 10:00:00Z", "once 2027-02-01T10:00:00Z"),
        (.at, "2027-01-15T08:00:00Z", "once 2027-01-15T08:00:00Z"),
    ])
    func valid_becomesTheRule(shorthand: RuleShorthand, text: String, rule: String) throws {
        #expect(try shorthand.rule(text, now: Self.now) == rule)
    }

    @Test(arguments: [
        (RuleShorthand.every, "soon", "'soon' is not a duration such as 30s, 5m or 2h"),
        (.every, "0s", "'0s' must be a whole number of seconds, at least 1s and at most ten years"),
        (.every, "1.5s", "'1.5s' must be a whole number of seconds"),
        (.every, "20000d", "'20000d' is not a duration"),
        (.at, "tomorrow", "'tomorrow' is not an RFC 3339 instant"),
        (.at, "2027-01-15T07:59:59Z", "'2027-01-15T07:59:59Z' is in the past (it is 2027-01-15T08:00:00Z now)"),
    ])
    func invalid_saysWhy(shorthand: RuleShorthand, text: String, message: String) {
        #expect(throws: RuleShorthand.Problem.self) { try shorthand.rule(text, now: Self.now) }
        do {
            _ = try shorthand.rule(text, now: Self.now)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func pastInstant_withoutNow_isAccepted() throws {
        // A file applied again later keeps its one-shot: only a person giving an instant now is refused.
        #expect(try RuleShorthand.at.rule("2020-01-01T00:00:00Z") == "once 2020-01-01T00:00:00Z")
    }
}

/// An HTTP target's URL may be a template after its host; other URLs may not.
@Suite struct URLTemplateValidationTests {
    static func errors(_ url: String) -> [FieldError] {
        var s = Schedule(id: "sch_01", name: "t", owner: "user:ada", timing: ScheduleTiming(rule: "every 1m"),
                         target: .http(HTTPTarget(url: url)), createdAt: RuleShorthandTests.now)
        s.updatedAt = s.createdAt
        return s.validate().filter { $0.field == "target.url" }
    }

    @Test(arguments: ["https://api.example.com/items/{{item.id}}", "http://127.0.0.1:8080/?run={{run.id}}",
                      "https://e.com/{{#items}}{{id}},{{/items}}"])
    func afterTheHost_isAccepted(url: String) {
        #expect(Self.errors(url).isEmpty, "\(Self.errors(url))")
    }

    @Test(arguments: [
        ("https://{{host}}/x", "only after the scheme, the host"), ("{{base}}/x", "only after the scheme, the host"),
        ("https://e.com{{path}}", "only after the scheme, the host"), ("https://e.com/{{#open}}", "is not a valid template"),
    ])
    func beforeThePath_orBroken_isRefused(url: String, message: String) {
        let errors = Self.errors(url)
        #expect(errors.count == 1 && errors.first?.message.contains(message) == true, "\(errors)")
    }

    @Test(arguments: ["https://e.com/v1/../admin", "https://e.com/v1/%2e%2E/admin", "https://e.com/./x", "https://e.com/v1/..%2Fadmin",
                      "https://e.com/v1/..\\admin"])
    func dotSegments_areRefused(url: String) {
        #expect(Self.errors(url).contains { $0.message.contains("path segment") }, "\(Self.errors(url))")
        #expect(URLPath.dotSegmentProblem("https://e.com/a..b/.c/?q=../x#..") == nil)
    }

    @Test func aWebhookURL_isNoTemplate() {
        var s = Schedule(id: "sch_01", name: "t", owner: "user:ada", timing: ScheduleTiming(rule: "every 1m"),
                         target: .http(HTTPTarget(url: "https://e.com/")), createdAt: RuleShorthandTests.now)
        s.delivery = .webhook(WebhookDelivery(url: "https://e.com/{{run.id}}"))
        #expect(s.validate().contains { $0.field == "delivery.url" && $0.message.contains("is not a template here") })
    }
}
