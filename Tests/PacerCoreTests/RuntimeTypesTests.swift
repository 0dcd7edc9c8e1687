import Foundation
import Testing
@testable import PacerCore

@Suite struct RuntimeTypesTests {
    @Test func runStatus_terminalStates() {
        let terminal = Run.Status.allCases.filter(\.isTerminal).map(\.rawValue)
        #expect(terminal == ["succeeded", "failed", "timed_out", "cancelled", "skipped", "abandoned", "missed"])
        #expect(Run.Status.allCases.map(\.rawValue) == ["queued", "running", "succeeded", "failed", "timed_out", "cancelled", "skipped",
                                                        "abandoned", "missed", "held"])
    }

    @Test func run_roundTrips_withSnakeCaseKeys() throws {
        var run = Run(id: "run_1", scheduleID: "sch_1", scheduledAt: t0, firesAt: t0.addingTimeInterval(1.5), trigger: .catchup, itemKey: "42")
        run.status = .running
        run.owner = "host-a:123"
        run.heartbeatAt = t0
        run.startedAt = t0
        run.output = Run.excerpt(String(repeating: "x", count: 5000))
        run.deliveryError = "webhook returned 500"
        run.sessionID = "ses_1"
        run.step = 2
        run.state = "cursor-7"
        let text = try json(run)
        #expect(try decode(Run.self, text) == run)
        #expect(try keys(in: text) == ["id", "schedule_id", "scheduled_at", "fires_at", "started_at", "attempt", "step", "state",
                                        "status", "owner", "heartbeat_at", "item_key", "trigger", "output", "delivery_error",
                                        "session_id"])
        #expect(run.output?.count == Run.outputExcerptLimit)
        #expect(text.contains(#""fires_at":"2026-03-08T09:00:01.500Z""#))
    }

    @Test func session_roundTrips_withTranscriptToolLogAndEvents() throws {
        var s = Session(id: "ses_1", agentID: "agt_1", scheduleID: "sch_1", itemKey: "7", previousSessionID: "ses_0", createdAt: t0)
        s.state = .waiting
        s.messages = [
            Message(role: .user, text: "check the build"),
            Message(role: .assistant, text: nil, toolCalls: [ToolCallRequest(id: "c1", name: "http_get", arguments: #"{"url":"https://x.test"}"#)]),
            Message(role: .tool, text: "200 OK", toolCallID: "c1"),
            Message(role: .assistant, text: "Green."),
        ]
        s.toolLog = [ToolCall(callID: "c1", name: "http_get", arguments: #"{"url":"https://x.test"}"#, output: "200 OK", durationMs: 12, at: t0)]
        s.events = [SessionEvent(at: t0, kind: .capExceeded, detail: ["cap": "max_cost", "observed": 5.1, "limit": 5])]
        s.inputTokens = 100
        s.outputTokens = 20
        s.cost = 0.0042
        s.resumeAt = t0.addingTimeInterval(3600)
        s.resumePrompt = "check again"
        s.recurrence = SessionRecurrence(everySeconds: 600, maxRuns: 3, runsDone: 1, prompt: "run {run} of {total}", startedAt: t0)
        let text = try json(s)
        #expect(try decode(Session.self, text) == s)
        #expect(try keys(in: text).isSuperset(of: [
            "agent_id", "schedule_id", "item_key", "tool_log", "input_tokens", "output_tokens", "previous_session_id", "resume_at",
            "resume_prompt", "tool_calls", "tool_call_id", "duration_ms", "is_error", "every_seconds", "max_runs", "runs_done", "started_at",
        ]))
        #expect(s.lastText == "Green.")
        #expect(s.recurrence?.nextWakeUp == t0.addingTimeInterval(600))
        #expect(!Session.State.waiting.isTerminal && Session.State.done.isTerminal)
        #expect(throws: DecodingError.self) { try decode(Message.self, #"{"role":"narrator","text":"x"}"#) }
    }

    @Test func event_roundTrips() throws {
        let e = Event(kind: .runFinished, entityID: "run_1", at: t0)
        #expect(try json(e) == #"{"at":"2026-03-08T09:00:00Z","entity_id":"run_1","kind":"run_finished"}"#)
        #expect(try decode(Event.self, try json(e)) == e)
    }

    @Test func ids_havePrefix_sortByTime_andAreUnique() {
        var rng = SystemRandomNumberGenerator()
        let a = PacerID.make(.schedule, at: t0, using: &rng)
        let b = PacerID.make(.schedule, at: t0.addingTimeInterval(0.001), using: &rng)
        #expect(a.hasPrefix("sch_") && a.count == 30)
        #expect(a < b)
        #expect(a.dropFirst(4).allSatisfy { "0123456789abcdefghjkmnpqrstvwxyz".contains($0) })
        let many = Set((0..<1000).map { _ in PacerID.make(.run, at: t0) })
        #expect(many.count == 1000)
    }

    @Test func jsonValue_roundTripsEveryKind() throws {
        let v: JSONValue = ["n": 1.5, "b": true, "z": nil, "s": "x", "a": [1, "two", ["deep": false]]]
        #expect(try decode(JSONValue.self, try json(v)) == v)
        #expect(v.value(at: "$.a.2.deep") == false)
        #expect(v.value(at: "a.9") == nil)
        #expect(JSONValue.number(3).text == "3")
    }
}

@Suite struct IdempotencyKeyTests {
    @Test func oneKeyPerFire_sharedByEveryAttempt_distinctPerInstantAndItem() {
        let first = Run(id: "run_a", scheduleID: "sch_1", scheduledAt: t0, attempt: 1, status: .running, trigger: .schedule)
        var retry = Run(id: "run_b", scheduleID: "sch_1", scheduledAt: t0, attempt: 2, status: .queued, trigger: .retry)
        retry.firesAt = t0.addingTimeInterval(30)
        #expect(first.idempotencyKey == retry.idempotencyKey)
        #expect(first.idempotencyKey.wholeMatch(of: /fire_[0-9a-f]{32}/) != nil)
        let later = Run(id: "run_c", scheduleID: "sch_1", scheduledAt: t0.addingTimeInterval(60))
        let item = Run(id: "run_d", scheduleID: "sch_1", scheduledAt: t0, itemKey: "42")
        let other = Run(id: "run_e", scheduleID: "sch_2", scheduledAt: t0)
        #expect(Set([first, later, item, other].map(\.idempotencyKey)).count == 4)
    }
}
