import PacerSQLite
import Foundation
import HTTPTypes
import HummingbirdTesting
import PacerCore
import PacerServer
import PacerStore
import PacerTesting
import Testing

/// Agents, schedules and sessions written straight to the bench's store.
extension APIBench {
    func fixtureAgent(_ name: String = "triage-bot") async throws -> Agent {
        try await store.saveAgent(Agent(id: PacerID.make(.agent, at: Self.t0), name: name, provider: .openai,
                                        baseURL: "http://127.0.0.1:11434/v1", model: "llama3", createdAt: Self.t0))
    }

    func fixtureSchedule(_ name: String, items: [String]? = nil) async throws -> Schedule {
        var dispatch = Dispatch.single
        if let items {
            dispatch = Dispatch(mode: .perItem, source: .static(items.map { ["id": .string($0)] }), itemKey: "id")
        }
        return try await store.createSchedule(
            Schedule(id: PacerID.make(.schedule, at: Self.t0), name: name, owner: "local", enabled: true,
                     timing: ScheduleTiming(rule: "*/5 * * * *"), target: .command(CommandTarget(argv: ["true"])),
                     dispatch: dispatch, createdAt: Self.t0),
            author: "local")
    }

    /// A session created `seconds` after t0.
    func fixtureSession(agent: String = "agt_gone", schedule: String? = nil, item: String? = nil, previous: String? = nil,
                     at seconds: Double, state: Session.State = .done, messages: [Message] = [],
                     resumeAt: Date? = nil, resumePrompt: String? = nil, recurrence: SessionRecurrence? = nil) async throws -> Session {
        let at = Self.t0.addingTimeInterval(seconds)
        var s = Session(id: PacerID.make(.session, at: at), agentID: agent, scheduleID: schedule, itemKey: item,
                        previousSessionID: previous, createdAt: at)
        s.state = state
        s.messages = messages
        s.resumeAt = resumeAt
        s.resumePrompt = resumePrompt
        s.recurrence = recurrence
        s.inputTokens = 120
        s.outputTokens = 30
        s.cost = 0.0125
        return try await store.createSession(s)
    }

    /// The queued run that will wake a waiting session (the continuation of its schedule's fire).
    func queuedWakeUp(of s: Session) async throws -> Run {
        let schedule = try await store.createSchedule(
            Schedule(id: s.scheduleID!, name: "wake-\(s.id)", owner: "local", timing: ScheduleTiming(rule: "every 1h"),
                     target: .command(CommandTarget(argv: ["true"])), createdAt: Self.t0), author: "test")
        var run = Run(id: PacerID.make(.run, at: Self.t0), scheduleID: schedule.id, scheduledAt: Self.t0,
                      firesAt: s.resumeAt, status: .queued, trigger: .resume)
        run.step = 1
        run.sessionID = s.id
        return try await store.insertRun(run)
    }
}

extension JSONValue {
    /// The member `key` of an object as a string.
    func strMember(_ key: String) -> String? {
        if case .string(let s)? = self[key] { return s }
        return nil
    }

    /// The elements of an array member.
    func arrMember(_ key: String) -> [JSONValue] {
        if case .array(let a)? = self[key] { return a }
        return []
    }

    /// The `error` object's code and field.
    var errorPair: (code: String?, field: String?) { (self["error"]?.strMember("code"), self["error"]?.strMember("field")) }
}

@Suite struct SessionRoutesTests {
    @Test func list_newestFirst_summariesWithEveryMember() async throws {
        let bench = try APIBench.make()
        let agent = try await bench.fixtureAgent()
        let schedule = try await bench.fixtureSchedule("triage")
        let long = String(repeating: "x", count: 700)
        let first = try await bench.fixtureSession(agent: agent.id, at: 10)
        let second = try await bench.fixtureSession(agent: agent.id, schedule: schedule.id, item: "42", previous: first.id, at: 20,
                                                 state: .waiting,
                                                 messages: [Message(role: .user, text: "go"), Message(role: .assistant, text: "one"),
                                                            Message(role: .assistant, text: nil, toolCalls: [ToolCallRequest(id: "c1", name: "t", arguments: "{}")]),
                                                            Message(role: .tool, text: "ok", toolCallID: "c1"),
                                                            Message(role: .assistant, text: long)],
                                                 resumeAt: APIBench.t0.addingTimeInterval(3600), resumePrompt: "check again",
                                                 recurrence: SessionRecurrence(everySeconds: 3600, maxRuns: 3, prompt: "tick", startedAt: APIBench.t0))
        try await bench.test { client in
            let response = try await client.execute(uri: "/v1/sessions", method: .get)
            #expect(response.status == .ok)
            let sessions = response.json.arrMember("sessions")
            #expect(sessions.map { $0.strMember("id") } == [second.id, first.id])
            let s = sessions[0]
            #expect(s.strMember("agent_id") == agent.id && s.strMember("schedule_id") == schedule.id && s.strMember("item_key") == "42")
            #expect(s.strMember("state") == "waiting")
            #expect(s["turns"] == 3 && s["input_tokens"] == 120 && s["output_tokens"] == 30 && s["cost"] == 0.0125)
            #expect(s.strMember("last_text") == String(repeating: "x", count: 500))
            #expect(s.strMember("resume_at") == "2027-01-15T09:00:00Z" && s.strMember("resume_prompt") == "check again")
            #expect(s.strMember("previous_session_id") == first.id)
            #expect(s["recurrence"]?["every_seconds"] == 3600 && s["recurrence"]?["max_runs"] == 3)
            #expect(s.strMember("created_at") == "2027-01-15T08:00:20Z" && s.strMember("updated_at") == "2027-01-15T08:00:20Z")
            // Absent values are null, never left out.
            let o = sessions[1]
            for key in ["schedule_id", "item_key", "resume_at", "resume_prompt", "previous_session_id", "recurrence", "last_text"] {
                #expect(o[key] == .null, "\(key)")
            }
            #expect(o["turns"] == 0)
            if case .object(let members) = o {
                #expect(Set(members.keys) == ["id", "agent_id", "schedule_id", "item_key", "state", "input_tokens", "output_tokens",
                                              "cost", "turns", "created_at", "updated_at", "resume_at", "resume_prompt",
                                              "previous_session_id", "recurrence", "last_text"])
            }
        }
        await bench.close()
    }

    @Test func list_filters_byScheduleIDOrName_item_state_andLimit() async throws {
        let bench = try APIBench.make()
        let triage = try await bench.fixtureSchedule("triage")
        let other = try await bench.fixtureSchedule("other")
        let a = try await bench.fixtureSession(schedule: triage.id, item: "1", at: 1, state: .done)
        let b = try await bench.fixtureSession(schedule: triage.id, item: "2", at: 2, state: .waiting)
        let c = try await bench.fixtureSession(schedule: triage.id, item: "1", at: 3, state: .waiting)
        let d = try await bench.fixtureSession(schedule: other.id, at: 4, state: .waiting)
        let gone = try await bench.fixtureSession(schedule: "sch_deleted", at: 5, state: .error)
        try await bench.test { client in
            func ids(_ query: String) async throws -> [String] {
                let r = try await client.execute(uri: "/v1/sessions?" + query, method: .get)
                #expect(r.status == .ok, "\(query): \(r.text)")
                return r.json.arrMember("sessions").compactMap { $0.strMember("id") }
            }
            let cases: [(String, [String])] = [
                ("schedule=\(triage.id)", [c.id, b.id, a.id]),
                ("schedule=triage", [c.id, b.id, a.id]),
                ("schedule=triage&item=1", [c.id, a.id]),
                ("state=waiting", [d.id, c.id, b.id]),
                ("schedule=triage&state=waiting&limit=1", [c.id]),
                ("limit=2", [gone.id, d.id]),
                // Sessions outlive their schedule: a deleted schedule's id still filters.
                ("schedule=sch_deleted", [gone.id]),
                ("schedule=nothing-by-that-name", []),
                ("item=none", []),
            ]
            for (query, expected) in cases {
                let got = try await ids(query)
                #expect(got == expected, "\(query)")
            }
            // Pages: each next_cursor leads to the following sessions, the last page has none.
            let first = try await client.execute(uri: "/v1/sessions?state=waiting&limit=2", method: .get)
            let cursor = try #require(first.json.strMember("next_cursor"), "\(first.text)")
            #expect(try await ids("state=waiting&limit=2&cursor=\(cursor)") == [b.id])
            let last = try await client.execute(uri: "/v1/sessions?state=waiting&limit=2&cursor=\(cursor)", method: .get)
            #expect(last.json.strMember("next_cursor") == nil, "\(last.text)")
        }
        await bench.close()
    }

    @Test(arguments: [
        ("state=sleeping", "state"), ("state=", "state"), ("state=WAITING", "state"),
        ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("cursor=12", "cursor"),
    ])
    func list_badQuery_is400NamingTheParameter(query: String, field: String) async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions?" + query, method: .get)
            #expect(r.status == .badRequest)
            #expect(r.json.errorPair.code == "bad_request" && r.json.errorPair.field == field, "\(r.text)")
        }
        await bench.close()
    }

    @Test func get_returnsTheWholeSessionWithNames() async throws {
        let bench = try APIBench.make()
        let agent = try await bench.fixtureAgent("writer")
        let schedule = try await bench.fixtureSchedule("digest")
        let created = try await bench.fixtureSession(agent: agent.id, schedule: schedule.id, at: 1, state: .running,
                                                  messages: [Message(role: .user, text: "hi"), Message(role: .assistant, text: "hello")])
        let s = try await bench.store.appendToSession(
            id: created.id, messages: [], toolCalls: [ToolCall(callID: "c1", name: "http_get", arguments: "{}", output: "200", durationMs: 12)],
            events: [SessionEvent(at: APIBench.t0, kind: .capExceeded, detail: ["cap": "max_cost"])],
            inputTokens: 0, outputTokens: 0, cost: 0, at: APIBench.t0.addingTimeInterval(2))
        let orphan = try await bench.fixtureSession(agent: "agt_deleted", schedule: "sch_deleted", at: 3)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)", method: .get)
            #expect(r.status == .ok)
            #expect(r.json.strMember("agent_name") == "writer" && r.json.strMember("schedule_name") == "digest")
            // Everything else is the session as PacerJSON encodes it.
            var members = r.json
            if case .object(var o) = members {
                o["agent_name"] = nil
                o["schedule_name"] = nil
                members = .object(o)
            }
            #expect(members == (try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(s))))
            #expect(r.json.arrMember("tool_log").first?.strMember("name") == "http_get")
            #expect(r.json.arrMember("events").first?.strMember("kind") == "cap_exceeded")

            let o = try await client.execute(uri: "/v1/sessions/\(orphan.id)", method: .get)
            #expect(o.status == .ok && o.json["agent_name"] == nil && o.json["schedule_name"] == nil)

            let missing = try await client.execute(uri: "/v1/sessions/ses_nope", method: .get)
            #expect(missing.status == .notFound && missing.json.errorPair.code == "not_found")
        }
        await bench.close()
    }

    @Test func chain_listsPredecessorsNewestFirst_andTheSessionsThatFollow() async throws {
        let bench = try APIBench.make()
        let schedule = try await bench.fixtureSchedule("triage", items: ["1"])
        let s1 = try await bench.fixtureSession(schedule: schedule.id, item: "1", at: 1)
        let s2 = try await bench.fixtureSession(schedule: schedule.id, item: "1", previous: s1.id, at: 2)
        let s3 = try await bench.fixtureSession(schedule: schedule.id, item: "1", previous: s2.id, at: 3)
        let unrelated = try await bench.fixtureSession(schedule: schedule.id, item: "1", at: 4)
        try await bench.test { client in
            func chain(_ id: String) async throws -> [[String?]] {
                let r = try await client.execute(uri: "/v1/sessions/\(id)/chain", method: .get)
                #expect(r.status == .ok)
                return [r.json.arrMember("sessions").map { $0.strMember("id") }, r.json.arrMember("next").map { $0.strMember("id") }]
            }
            #expect(try await chain(s3.id) == [[s3.id, s2.id, s1.id], []])
            #expect(try await chain(s2.id) == [[s2.id, s1.id], [s3.id]])
            #expect(try await chain(s1.id) == [[s1.id], [s2.id]])
            #expect(try await chain(unrelated.id) == [[unrelated.id], []])
            let r = try await client.execute(uri: "/v1/sessions/\(s2.id)/chain", method: .get)
            #expect(r.json.arrMember("sessions").first?["turns"] == 0, "summaries, not whole sessions")
            #expect(r.json.arrMember("sessions").first?["messages"] == nil)
            let missing = try await client.execute(uri: "/v1/sessions/ses_nope/chain", method: .get)
            #expect(missing.status == .notFound)
        }
        await bench.close()
    }

    @Test func chain_withACycleOrAMissingLink_ends() async throws {
        let bench = try APIBench.make()
        // a -> b -> a: stored links can be anything; the walk must end.
        let a0 = Session(id: "ses_a", agentID: "agt_x", scheduleID: "sch_x", previousSessionID: "ses_b", createdAt: APIBench.t0)
        let b0 = Session(id: "ses_b", agentID: "agt_x", scheduleID: "sch_x", previousSessionID: "ses_a",
                         createdAt: APIBench.t0.addingTimeInterval(1))
        let self0 = Session(id: "ses_self", agentID: "agt_x", previousSessionID: "ses_self", createdAt: APIBench.t0)
        let lost = Session(id: "ses_lost", agentID: "agt_x", previousSessionID: "ses_purged", createdAt: APIBench.t0)
        for s in [a0, b0, self0, lost] { _ = try await bench.store.createSession(s) }
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/ses_a/chain", method: .get)
            #expect(r.json.arrMember("sessions").map { $0.strMember("id") } == ["ses_a", "ses_b"])
            #expect(r.json.arrMember("next").map { $0.strMember("id") } == ["ses_b"])
            let me = try await client.execute(uri: "/v1/sessions/ses_self/chain", method: .get)
            #expect(me.json.arrMember("sessions").map { $0.strMember("id") } == ["ses_self"] && me.json.arrMember("next") == [])
            let l = try await client.execute(uri: "/v1/sessions/ses_lost/chain", method: .get)
            #expect(l.status == .ok && l.json.arrMember("sessions").map { $0.strMember("id") } == ["ses_lost"])
        }
        await bench.close()
    }

    @Test(arguments: [Session.State.pending, .running, .waiting])
    func cancel_aLiveSession_cancelsIt_andRecordsWhoDidIt(from state: Session.State) async throws {
        let bench = try APIBench.make()
        let s = try await bench.fixtureSession(schedule: "sch_x", at: 1, state: state,
                                            resumeAt: state == .waiting ? APIBench.t0.addingTimeInterval(600) : nil,
                                            resumePrompt: "later")
        let wake = state == .waiting ? try await bench.queuedWakeUp(of: s) : nil
        bench.clock.advance(by: 60)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)/cancel", method: .post)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json.strMember("state") == "cancelled" && r.json["resume_at"] == nil)
            #expect(r.json.strMember("updated_at") == PacerJSON.format(APIBench.t0.addingTimeInterval(60)))
        }
        let stored = try #require(try await bench.store.session(id: s.id))
        #expect(stored.state == .cancelled && stored.resumeAt == nil && stored.resumePrompt == "later")
        let event = try #require(stored.events.last)
        #expect(event.kind == .stateChanged)
        #expect(event.detail == ["from": .string(state.rawValue), "to": "cancelled", "by": "local"])
        if let wake {
            #expect(try await bench.store.run(id: wake.id)?.status == .cancelled, "its wake-up is cancelled with it")
        }
        await bench.close()
    }

    @Test(arguments: [Session.State.done, .error, .cancelled])
    func cancel_aFinishedSession_is409_andChangesNothing(state: Session.State) async throws {
        let bench = try APIBench.make()
        let s = try await bench.fixtureSession(at: 1, state: state)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)/cancel", method: .post)
            #expect(r.status == .conflict && r.json.errorPair.code == "conflict", "\(r.text)")
            #expect(r.json["error"]?.strMember("message")?.contains(state.rawValue) == true)
            let missing = try await client.execute(uri: "/v1/sessions/ses_nope/cancel", method: .post)
            #expect(missing.status == .notFound)
        }
        #expect(try await bench.store.session(id: s.id) == s)
        await bench.close()
    }

    @Test func resume_aWaitingSession_isDueNow_keepingPromptAndRecurrence() async throws {
        let bench = try APIBench.make()
        let recurrence = SessionRecurrence(everySeconds: 3600, maxRuns: 5, runsDone: 2, prompt: "run {run}", startedAt: APIBench.t0)
        let s = try await bench.fixtureSession(schedule: "sch_x", at: 1, state: .waiting,
                                            resumeAt: APIBench.t0.addingTimeInterval(7200), resumePrompt: "check the PR",
                                            recurrence: recurrence)
        let wake = try await bench.queuedWakeUp(of: s)
        bench.clock.advance(by: 90)
        let now = APIBench.t0.addingTimeInterval(90)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)/resume", method: .post)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.json.strMember("state") == "waiting" && r.json.strMember("resume_at") == PacerJSON.format(now))
            #expect(r.json.strMember("resume_prompt") == "check the PR" && r.json["recurrence"]?["runs_done"] == 2)
        }
        let stored = try #require(try await bench.store.session(id: s.id))
        #expect(stored.state == .waiting && stored.resumeAt == now)
        #expect(stored.resumePrompt == "check the PR" && stored.recurrence == recurrence)
        #expect(stored.events.last?.kind.rawValue == "resume_requested" && stored.events.last?.detail["by"] == "local")
        // The run that wakes it is due now.
        #expect(try await bench.store.run(id: wake.id)?.firesAt == now)
        await bench.close()
    }

    @Test func resume_aSessionDueAlready_changesNothing() async throws {
        let bench = try APIBench.make()
        let s = try await bench.fixtureSession(schedule: "sch_x", at: 1, state: .waiting, resumeAt: APIBench.t0, resumePrompt: "go")
        bench.clock.advance(by: 90)
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)/resume", method: .post)
            #expect(r.status == .ok && r.json.strMember("resume_at") == PacerJSON.format(APIBench.t0))
        }
        #expect(try await bench.store.session(id: s.id) == s)
        await bench.close()
    }

    @Test(arguments: [Session.State.pending, .running, .done, .error, .cancelled])
    func resume_aSessionThatIsNotWaiting_is409_andChangesNothing(state: Session.State) async throws {
        let bench = try APIBench.make()
        let s = try await bench.fixtureSession(at: 1, state: state, resumePrompt: "p")
        try await bench.test { client in
            let r = try await client.execute(uri: "/v1/sessions/\(s.id)/resume", method: .post)
            #expect(r.status == .conflict && r.json.errorPair.code == "conflict", "\(r.text)")
            let missing = try await client.execute(uri: "/v1/sessions/ses_nope/resume", method: .post)
            #expect(missing.status == .notFound && missing.json.errorPair.code == "not_found")
        }
        #expect(try await bench.store.session(id: s.id) == s)
        await bench.close()
    }

    @Test func openAPI_documentsTheRoutesAndSchemas() async throws {
        let bench = try APIBench.make()
        try await bench.test { client in
            let doc = try await client.execute(uri: "/openapi.json", method: .get).json
            let paths = doc["paths"]
            #expect(paths?["/v1/sessions"]?["get"]?["operationId"] == "listSessions")
            #expect(paths?["/v1/sessions/{id}"]?["get"] != nil && paths?["/v1/sessions/{id}/chain"]?["get"] != nil)
            #expect(paths?["/v1/sessions/{id}/cancel"]?["post"]?["responses"]?["409"] != nil)
            #expect(paths?["/v1/sessions/{id}/resume"]?["post"]?["x-pacer-scope"] == "run")
            let schemas = doc["components"]?["schemas"]
            for name in ["Session", "SessionSummary", "SessionList", "SessionChain", "Message", "ToolCall", "ToolCallRequest",
                         "SessionEvent", "SessionRecurrence"] {
                #expect(schemas?[name] != nil, "\(name)")
            }
        }
        await bench.close()
    }
}
