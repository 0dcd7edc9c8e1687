import Foundation
import PacerCore
import PacerStore
import Testing

/// Sessions written straight into the workspace's SQLite store, as the engine would: a chain
/// of three sessions of (triage, item 42) and one of item 7.
private struct Fixture {
    let agent: Agent
    let schedule: Schedule
    /// Oldest first: done, error, waiting.
    let chain: [Session]
    /// Item 7's session.
    let other: Session
    var latest: Session { chain[2] }

    static let t0 = PacerJSON.parse("2026-03-01T09:00:00Z")!

    static func seed(_ ws: Workspace) async throws -> Fixture {
        try await ws.addHelper("--input-price", "3", "--output-price", "15")
        let add = try await ws.pacer("schedule", "add", "--name", "triage", "--every", "1h", "--agent", "helper",
                               "--prompt", "Triage {{item.title}}", "--per-item", "--items-json", "[{\"id\": 42}]", "--item-key", "id")
        #expect(add.status == 0, "\(add.stderr)")
        return try await ws.withStore { store in
            let agent = try #require(try await store.agent(named: "helper"))
            let schedule = try #require(try await store.schedules().first)
            func make(_ minutes: Double, item: String, previous: String?) async throws -> Session {
                let at = t0.addingTimeInterval(minutes * 60)
                return try await store.createSession(Session(id: PacerID.make(.session, at: at), agentID: agent.id, scheduleID: schedule.id,
                                                             itemKey: item, previousSessionID: previous, createdAt: at))
            }
            func finish(_ s: Session, _ state: Session.State, cost: Double, minutes: Double) async throws -> Session {
                let at = s.createdAt.addingTimeInterval(minutes * 60)
                _ = try await store.appendToSession(id: s.id, messages: [Message(role: .user, text: "Triage issue 42"),
                                                                         Message(role: .assistant, text: "Nothing new.")],
                                                    toolCalls: [], events: [], inputTokens: 100, outputTokens: 20, cost: cost, at: at)
                return try await store.updateSession(id: s.id, state: state, resumeAt: nil, resumePrompt: nil, recurrence: nil, at: at)
            }
            let first = try await finish(try await make(0, item: "42", previous: nil), .done, cost: 0.001, minutes: 1)
            let second = try await finish(try await make(60, item: "42", previous: first.id), .error, cost: 0.002, minutes: 1)
            let other = try await finish(try await make(90, item: "7", previous: nil), .done, cost: 0.003, minutes: 1)

            var third = try await make(120, item: "42", previous: second.id)
            let at = third.createdAt
            let messages = [
                Message(role: .user, text: "Triage issue 42:\nLogin fails on Safari"),
                Message(role: .assistant, text: "Let me look at the issue.", toolCalls: [
                    ToolCallRequest(id: "call_1", name: "http_get", arguments: "{\"url\":\"https://example.com/issues/42\"}"),
                    ToolCallRequest(id: "call_2", name: "search", arguments: "{\"q\":\"safari login\"}"),
                ]),
                Message(role: .tool, text: "{\"title\":\"Login fails\"}", toolCallID: "call_1"),
                Message(role: .tool, text: "search backend unavailable", toolCallID: "call_2"),
                Message(role: .assistant, text: nil, toolCalls: [
                    ToolCallRequest(id: "call_3", name: "schedule_resume", arguments: "{\"prompt\":\"Check again\",\"seconds_from_now\":3600}"),
                ]),
                Message(role: .tool, text: "{\"ok\": true, \"resume_at\": \"2026-03-01T12:00:00Z\"}", toolCallID: "call_3"),
                Message(role: .assistant, text: "I will check again in an hour."),
            ]
            let log = [
                ToolCall(callID: "call_1", name: "http_get", arguments: "{\"url\":\"https://example.com/issues/42\"}",
                         output: "{\"title\":\"Login fails\"}", durationMs: 120, at: at),
                ToolCall(callID: "call_2", name: "search", arguments: "{\"q\":\"safari login\"}", output: "search backend unavailable",
                         durationMs: 5, isError: true, at: at),
                ToolCall(callID: "call_3", name: "schedule_resume", arguments: "{}", output: "{\"ok\": true}", durationMs: 2, at: at),
            ]
            let events = [
                SessionEvent(at: at, kind: .stateChanged, detail: ["from": .string("pending"), "to": .string("running")]),
                SessionEvent(at: at.addingTimeInterval(30), kind: .resumeScheduled, detail: ["resume_at": .string("2026-03-01T12:00:00Z")]),
                SessionEvent(at: at.addingTimeInterval(31), kind: .stateChanged, detail: ["from": .string("running"), "to": .string("waiting")]),
            ]
            _ = try await store.appendToSession(id: third.id, messages: messages, toolCalls: log, events: events,
                                                inputTokens: 1200, outputTokens: 340, cost: 0.0123, at: at.addingTimeInterval(31))
            third = try await store.updateSession(
                id: third.id, state: .waiting, resumeAt: PacerJSON.parse("2026-03-01T12:00:00Z"), resumePrompt: "Check again",
                recurrence: SessionRecurrence(everySeconds: 3600, maxRuns: 5, runsDone: 2, prompt: "Check run {run} of {total}", startedAt: at),
                at: at.addingTimeInterval(31))
            return Fixture(agent: agent, schedule: schedule, chain: [first, second, third], other: other)
        }
    }
}

@Suite struct SessionsCommandTests {
    @Test func show_printsHeaderTranscriptEventsAndChain() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let r = try await ws.pacer("sessions", "show", f.latest.id)
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        for row in [
            ["Session:", f.latest.id], ["State:", "waiting"], ["Agent:", "helper (\(f.agent.id))"],
            ["Schedule:", "triage (\(f.schedule.id))"], ["Item:", "42"], ["Created:", "2026-03-01T11:00:00+00:00"],
            ["Resume prompt:", "Check again"],
            ["Recurrence:", "every 1h, max_runs 5, runs_done 2, prompt Check run {run} of {total}"],
            ["Turns:", "3"], ["Tokens:", "1200 in, 340 out, 1540 total"], ["Cost:", "0.0123"], ["Previous:", f.chain[1].id],
        ] {
            #expect(r.rows.contains(row), "missing \(row) in\n\(out)")
        }
        #expect(r.rows.contains { $0.first == "Resumes at:" && $0.last?.hasPrefix("2026-03-01T12:00:00+00:00 (") == true }, "\(out)")

        let transcript = [
            "  user: Triage issue 42:\n      Login fails on Safari\n",
            "  assistant: Let me look at the issue.\n",
            "    -> tool call http_get [call_1]: {\"url\":\"https://example.com/issues/42\"}\n",
            "    -> tool call search [call_2]: {\"q\":\"safari login\"}\n",
            "  tool result http_get [call_1] (ok, 120ms): {\"title\":\"Login fails\"}\n",
            "  tool result search [call_2] (error, 5ms): search backend unavailable\n",
            "    -> tool call schedule_resume [call_3]: {\"prompt\":\"Check again\",\"seconds_from_now\":3600}\n",
            "  tool result schedule_resume [call_3] (ok, 2ms): {\"ok\": true, \"resume_at\": \"2026-03-01T12:00:00Z\"}\n",
            "  assistant: I will check again in an hour.\n",
        ]
        var last = out.startIndex
        for line in transcript {
            let found = try #require(out.range(of: line, range: last..<out.endIndex), "missing or out of order: \(line) in\n\(out)")
            last = found.upperBound
        }
        #expect(out.contains("  2026-03-01T11:00:00+00:00  state_changed  from=pending to=running\n"), "\(out)")
        #expect(out.contains("  2026-03-01T11:00:30+00:00  resume_scheduled  resume_at=2026-03-01T12:00:00Z\n"))
        #expect(out.contains("  2026-03-01T11:00:31+00:00  state_changed  from=running to=waiting\n"))

        let chain = try #require(out.range(of: "Chain (earlier sessions of this schedule and item, newest first):\n"))
        let chainRows = CLI.Result(status: 0, stdout: String(out[chain.upperBound...]), stderr: "").rows
        #expect(chainRows.count == 3, "\(out)")  // header, second, first
        #expect(chainRows[1] == [f.chain[1].id, "error", "2026-03-01T10:00:00+00:00", "0.0020", "<- previous_session_id"])
        #expect(chainRows[2] == [f.chain[0].id, "done", "2026-03-01T09:00:00+00:00", "0.0010"])
        #expect(!out.contains(f.other.id))  // another item's session is not in the chain
    }

    @Test func show_json_isTheSessionWithItsChain() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let o = try #require(try await ws.pacer("sessions", "show", f.latest.id, "--json").json() as? [String: Any])
        #expect(o["state"] as? String == "waiting")
        #expect(o["input_tokens"] as? Int == 1200)
        #expect(o["previous_session_id"] as? String == f.chain[1].id)
        #expect((o["messages"] as? [Any])?.count == 7)
        #expect((o["tool_log"] as? [[String: Any]])?.map { $0["duration_ms"] as? Int } == [120, 5, 2])
        #expect((o["chain"] as? [[String: Any]])?.map { $0["id"] as? String } == [f.chain[1].id, f.chain[0].id])

        let first = try await ws.pacer("sessions", "show", f.chain[0].id)
        #expect(first.stdout.contains("(none: this is the first)"))
        #expect(first.rows.contains(["Previous:", "-"]))
    }

    @Test func list_filtersByScheduleItemStateAndLimit() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let all = try await ws.pacer("sessions", "list")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.rows.first == ["ID", "STATE", "AGENT", "SCHEDULE", "ITEM", "TURNS", "TOKENS IN/OUT", "COST", "RESUMES / UPDATED"])
        #expect(all.rows.dropFirst().map { $0.first } == [f.latest.id, f.other.id, f.chain[1].id, f.chain[0].id])  // newest first
        let waiting = try #require(all.rows.first { $0.first == f.latest.id })
        #expect(Array(waiting.prefix(8)) == [f.latest.id, "waiting", "helper", "triage", "42", "3", "1200/340", "0.0123"])
        #expect(waiting[8].hasPrefix("resumes 2026-03-01T12:00:00+00:00 ("), "\(waiting)")
        #expect(all.rows.first { $0.first == f.chain[0].id }?.last == "2026-03-01T09:01:00+00:00")

        let item = try await ws.pacer("sessions", "list", "--schedule", "triage", "--item", "42")
        #expect(item.rows.dropFirst().map { $0.first } == [f.latest.id, f.chain[1].id, f.chain[0].id])
        let state = try await ws.pacer("sessions", "list", "--state", "done")
        #expect(state.rows.dropFirst().map { $0.first } == [f.other.id, f.chain[0].id])
        let limited = try await ws.pacer("sessions", "list", "--schedule", f.schedule.id, "--limit", "1", "--json")
        #expect((try limited.json() as? [[String: Any]])?.map { $0["id"] as? String } == [f.latest.id])
        let none = try await ws.pacer("sessions", "list", "--state", "cancelled")
        #expect(none.stdout == "no sessions match\n")
    }

    @Test func cancel_waitingSession_becomesCancelledWithAnEvent() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let r = try await ws.pacer("sessions", "cancel", f.latest.id)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "cancelled session \(f.latest.id) (was waiting)\n")
        let s = try #require(try await ws.withStore { try await $0.session(id: f.latest.id) })
        #expect(s.state == .cancelled)
        #expect(s.resumeAt == nil)
        #expect(s.messages == f.latest.messages)
        let event = try #require(s.events.last)
        #expect(event.kind == .stateChanged)
        #expect(event.detail["from"] == .string("waiting"))
        #expect(event.detail["to"] == .string("cancelled"))
        #expect(s.events.count == f.latest.events.count + 1)
        let listed = try await ws.pacer("sessions", "list", "--state", "cancelled")
        #expect(listed.rows.dropFirst().map { $0.first } == [f.latest.id])
    }

    @Test func cancel_finishedSession_isRefused_andLeavesItAlone() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let r = try await ws.pacer("sessions", "cancel", f.chain[0].id)
        #expect(r.status == 2)
        #expect(r.stderr == "pacer: session \(f.chain[0].id) is done already; only a pending, running or waiting session can be cancelled\n")
        let s = try #require(try await ws.withStore { try await $0.session(id: f.chain[0].id) })
        #expect(s == f.chain[0])
    }

    /// `sessions resume` is the API's and MCP's wake-now: a waiting session is due at once
    /// (this one is due already, so nothing is written); any other is refused.
    @Test func resume_waitingSessionIsDue_othersAreRefused() async throws {
        let ws = try Workspace()
        let f = try await Fixture.seed(ws)
        let r = try await ws.pacer("sessions", "resume", f.latest.id, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try r.json() as? [String: Any])?["state"] as? String == "waiting")
        #expect(try await ws.withStore { try await $0.session(id: f.latest.id) } == f.latest)
        let done = try await ws.start(["sessions", "resume", f.chain[0].id]).wait()
        #expect(done.status == 2)
        #expect(done.stderr == "pacer: session \(f.chain[0].id) is done; only a waiting session can be resumed\n")
        let missing = try await ws.start(["sessions", "resume", "ses_nope"]).wait()
        #expect(missing.status == 2 && missing.stderr.contains("no session with id 'ses_nope'"))
    }

    @Test func sessions_unknownIdsAndBadFlags_exit2() async throws {
        let ws = try Workspace()
        _ = try await Fixture.seed(ws)
        for (args, message) in [
            (["sessions", "show", "ses_nope"], "no session with id 'ses_nope'"),
            (["sessions", "cancel", "ses_nope"], "no session with id 'ses_nope'"),
            (["sessions", "list", "--state", "sleeping"], "--state: unknown session state 'sleeping'; expected pending, running, waiting, done, error or cancelled"),
            (["sessions", "list", "--schedule", "nope"], "--schedule: no schedule named 'nope'"),
            (["sessions", "list", "--limit", "0"], "--limit: 0 must be at least 1"),
            (["sessions", "show"], "Missing expected argument '<session>'"),
        ] {
            let r = try await ws.start(args).wait()
            #expect(r.status == 2, "\(args)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        }
    }

    @Test func list_empty_saysSo() async throws {
        let ws = try Workspace()
        let r = try await ws.pacer("sessions", "list")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "no sessions yet\n")
    }
}
