import Foundation
import PacerCore
import PacerEngine
import Recurrence
import Testing

@Suite struct PolicyDecisionTests {
    @Test func overlap_eachPolicy_decidesItsAction() {
        #expect(OverlapDecision.decide(.skip, running: 0, buffered: false) == .start)
        if case .skip = OverlapDecision.decide(.skip, running: 1, buffered: false) {} else { Issue.record("skip") }
        #expect(OverlapDecision.decide(.allow, running: 3, buffered: false) == .start)
        #expect(OverlapDecision.decide(.bufferOne, running: 1, buffered: false) == .buffer)
        if case .skip = OverlapDecision.decide(.bufferOne, running: 1, buffered: true) {} else { Issue.record("buffer full") }
        #expect(OverlapDecision.decide(.cancelPrevious, running: 1, buffered: false) == .cancelPreviousThenStart)
    }

    func cadence(_ rule: String) throws -> Cadence {
        try Cadence(rule: try Rule.parse(rule), zone: Zone.named("UTC")!, anchor: 0)
    }

    @Test func misfire_withinGrace_runs() throws {
        let c = try cadence("every 60s")
        let at = Date(timeIntervalSince1970: 600)
        #expect(MisfireDecision.decide(Policies(), cadence: c, scheduledAt: at, now: at.addingTimeInterval(59)) == .run)
    }

    @Test func misfire_skip_resumesAtNextFutureFire() throws {
        let c = try cadence("every 60s")
        let action = MisfireDecision.decide(Policies(), cadence: c, scheduledAt: Date(timeIntervalSince1970: 600),
                                            now: Date(timeIntervalSince1970: 4_000))
        guard case .skip(let reason, let label, let resume) = action else { Issue.record("\(action)"); return }
        #expect(resume == Date(timeIntervalSince1970: 4_020))
        #expect(reason.contains("missed by 56m") && label == "late")
    }

    @Test func misfire_oneShotRule_defaultsToRunOnceWithin24Hours_andAnExplicitSkipStillSkips() throws {
        let once = try Cadence(rule: try Rule.parse("once 2027-01-01T09:00:00Z"), zone: Zone.named("UTC")!, anchor: 0)
        let due = Date(timeIntervalSince1970: 1_798_794_000)  // 2027-01-01T09:00:00Z
        let sixHoursLate = due.addingTimeInterval(6 * 3600)
        #expect(MisfireDecision.decide(Policies(), cadence: once, scheduledAt: due, now: sixHoursLate) == .run)
        guard case .runThenResume = MisfireDecision.decide(Policies(), cadence: once, scheduledAt: due, now: due.addingTimeInterval(25 * 3600))
        else { Issue.record("a day late, a one-shot still runs once"); return }
        if case .skip = MisfireDecision.decide(Policies(misfire: .skip, misfireGraceSeconds: 60), cadence: once, scheduledAt: due,
                                               now: sixHoursLate) {} else {
            Issue.record("an explicit skip with the recurring grace skips")
        }
        // A recurring rule keeps 60 s and skip.
        let every = try cadence("every 60s")
        if case .skip = MisfireDecision.decide(Policies(), cadence: every, scheduledAt: Date(timeIntervalSince1970: 600),
                                               now: Date(timeIntervalSince1970: 661)) {} else { Issue.record("recurring default") }
    }

    @Test func misfire_runOnce_runsAndResumesInFuture() throws {
        let c = try cadence("every 60s")
        let action = MisfireDecision.decide(Policies(misfire: .runOnce), cadence: c,
                                            scheduledAt: Date(timeIntervalSince1970: 600), now: Date(timeIntervalSince1970: 4_000))
        #expect(action == .runThenResume(at: Date(timeIntervalSince1970: 4_020)))
    }

    @Test func misfire_runAll_keepsTheLatestCatchupLimitFires() throws {
        let c = try cadence("every 60s")
        let policies = Policies(misfire: .runAll, catchupLimit: 5)
        // Missed: 60, 120, ..., 600 (10 fires) at now = 630; the latest 5 start at 360.
        let first = MisfireDecision.decide(policies, cadence: c, scheduledAt: Date(timeIntervalSince1970: 60),
                                           now: Date(timeIntervalSince1970: 630))
        guard case .skip(_, let label, let resume) = first else { Issue.record("\(first)"); return }
        #expect(label == "catchup_limit")
        #expect(resume == Date(timeIntervalSince1970: 360))
        #expect(MisfireDecision.decide(policies, cadence: c, scheduledAt: Date(timeIntervalSince1970: 360),
                                       now: Date(timeIntervalSince1970: 630)) == .run)
    }

    @Test func retry_transientFailure_backsOffExponentiallyWithinCap() {
        let p = RetryPolicy(maxAttempts: 5, backoffBaseSeconds: 10, backoffFactor: 2, backoffCapSeconds: 25, jitterFraction: 0)
        #expect(RetryDecision.decide(status: .failed, failure: .transient, attempt: 1, policy: p, unit: 0) == .retry(after: 10))
        #expect(RetryDecision.decide(status: .timedOut, failure: nil, attempt: 2, policy: p, unit: 0) == .retry(after: 20))
        #expect(RetryDecision.decide(status: .failed, failure: .transient, attempt: 3, policy: p, unit: 0) == .retry(after: 25))
        if case .done = RetryDecision.decide(status: .failed, failure: .transient, attempt: 5, policy: p, unit: 0) {} else {
            Issue.record("attempts used up must not retry")
        }
    }

    @Test func retry_permanentFailureOrSuccess_isNotRetried() {
        let p = RetryPolicy(maxAttempts: 5)
        if case .retry = RetryDecision.decide(status: .failed, failure: .permanent, attempt: 1, policy: p, unit: 0) {
            Issue.record("permanent failures are final")
        }
        if case .retry = RetryDecision.decide(status: .succeeded, failure: nil, attempt: 1, policy: p, unit: 0) {
            Issue.record("successes are final")
        }
        if case .retry = RetryDecision.decide(status: .cancelled, failure: nil, attempt: 1, policy: p, unit: 0) {
            Issue.record("cancelled runs are final")
        }
    }

    @Test func retry_retryAfter_isHonouredWhenLonger() {
        let p = RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 10, jitterFraction: 0)
        #expect(RetryDecision.decide(status: .failed, failure: .transient, attempt: 1, policy: p, retryAfter: 120, unit: 0)
                == .retry(after: 120))
        #expect(RetryDecision.decide(status: .failed, failure: .transient, attempt: 1, policy: p, retryAfter: 2, unit: 0)
                == .retry(after: 10))
    }

    @Test func retry_jitter_shortensTheDelayWithinTheFraction() {
        let p = RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 100, jitterFraction: 0.5)
        guard case .retry(let d) = RetryDecision.decide(status: .failed, failure: .transient, attempt: 1, policy: p, unit: 0.999)
        else { Issue.record("retry expected"); return }
        #expect(d > 50 && d < 51)
    }

    @Test func nextAttempt_isTheRetryOfTheSameStep_withItsState_dueAfterTheBackoffOfTheGivenRandomUnit() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let policy = RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 10, backoffFactor: 2, jitterFraction: 0.5)
        var run = Run(id: "run_1", scheduleID: "sch_1", scheduledAt: now.addingTimeInterval(-60), attempt: 1,
                      status: .failed, trigger: .continuation, itemKey: "k")
        run.step = 2
        run.state = ["cursor": "c7"]
        let low = RetryDecision.nextAttempt(of: run, status: .failed, outcome: .failed("HTTP 503"), policy: policy, now: now, unit: 0)
        let high = RetryDecision.nextAttempt(of: run, status: .failed, outcome: .failed("HTTP 503"), policy: policy, now: now, unit: 0.99)
        #expect(low?.attempt == 2 && low?.step == 2 && low?.state == run.state && low?.trigger == .retry && low?.itemKey == "k")
        #expect(low?.scheduledAt == run.scheduledAt && low?.status == .queued && low?.owner == nil)
        #expect(low?.firesAt == now.addingTimeInterval(policy.delay(beforeAttempt: 2, unit: 0)!))
        #expect(high?.firesAt == now.addingTimeInterval(policy.delay(beforeAttempt: 2, unit: 0.99)!))
        #expect(low!.firesAt != high!.firesAt, "the injected unit decides the jitter")
        #expect(RetryDecision.nextAttempt(of: run, status: .abandoned, outcome: nil, policy: policy, now: now, unit: 0)?.attempt == 2,
                "an abandoned run is retried as a transient failure")
        #expect(RetryDecision.nextAttempt(of: run, status: .failed, outcome: .failed("404", failure: .permanent), policy: policy,
                                          now: now, unit: 0) == nil)
        run.trigger = .resume
        #expect(RetryDecision.nextAttempt(of: run, status: .failed, outcome: .failed("503"), policy: policy, now: now, unit: 0) == nil,
                "a lost session wake-up is not retried")
    }
}
