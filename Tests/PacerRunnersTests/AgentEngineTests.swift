import AsyncHTTPClient
import Foundation
import PacerAgents
import PacerCore
import PacerEngine
import PacerRunners
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// The engine with the agent runner, a scripted model server, a receiver for deliveries and
/// notify hooks, and a manual clock.
struct AgentEngineBench {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let clock: ManualClock
    let store: SQLiteStore
    let model: ScriptedModelServer
    let receiver: HTTPReceiver
    let engine: Engine
    let directory: URL
    let agent: Agent

    static func make() async throws -> AgentEngineBench {
        let clock = ManualClock(t0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-agent-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("pacer.db").path, clock: clock)
        let model = try await ScriptedModelServer.start()
        let receiver = try await HTTPReceiver.start()
        let agent = try await store.saveAgent(Agent(
            id: PacerID.make(.agent, at: t0), name: "watcher", provider: .anthropic, baseURL: model.anthropicBaseURL,
            model: "claude-test", apiKeyEnv: "TEST_ANTHROPIC_KEY", maxTurns: 6, createdAt: t0))
        let environment = RunnerEnvironment.fixed(["TEST_ANTHROPIC_KEY": "key-1"])
        let deliverer = StandardDeliverer(configuration: .init(environment: environment), client: HTTPClient.shared)
        let runner = AgentRunner(
            store: store, client: HTTPClient.shared, environment: environment,
            providerOptions: ProviderOptions(requestTimeout: 10, maxRetries: 0, sleep: { _ in }),
            deliverer: deliverer, linkBase: "http://pacer.test:8750", clock: clock,
            linkRun: { run, session in try? await store.setRunSession(runID: run, sessionID: session) })
        let engine = Engine(
            store: store, runners: Runners(byKind: [.agent: runner], deliverer: deliverer), clock: clock,
            configuration: .init(owner: "engine-1", maxConcurrent: 4, heartbeatInterval: 10, safetySweepInterval: 3600,
                                 recoveryInterval: 5, claimAhead: 0))
        return AgentEngineBench(clock: clock, store: store, model: model, receiver: receiver, engine: engine,
                                directory: directory, agent: agent)
    }

    @discardableResult
    func schedule(_ name: String, rule: String = "every 1h", prompt: String,
                  _ change: (inout Schedule) -> Void = { _ in }) async throws -> Schedule {
        var s = Schedule(id: PacerID.make(.schedule, at: clock.now()), name: name, owner: "test",
                         timing: ScheduleTiming(rule: rule), target: .agent(AgentTarget(agent: "watcher", prompt: prompt)),
                         createdAt: clock.now())
        change(&s)
        return try await store.createSchedule(s, author: "test")
    }

    func advance(to seconds: TimeInterval) async {
        clock.advance(to: Self.t0.addingTimeInterval(seconds))
        await engine.settle()
    }

    func runs(_ s: Schedule) async throws -> [Run] { try await store.runs(scheduleID: s.id, limit: 100).reversed() }

    func close() async {
        await model.stop()
        await receiver.stop()
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("Agent sessions in the engine")
struct AgentEngineTests {
    @Test("a fire starts a session; schedule_resume wakes it after N seconds from the engine's heap, through a resume run")
    func resumeAfterSeconds() async throws {
        let bench = try await AgentEngineBench.make()
        defer { Task { await bench.close() } }
        let hook = bench.receiver.url("/deliver")
        let schedule = try await bench.schedule("deploy-watch", prompt: "Watch the deploy.") {
            $0.delivery = .webhook(WebhookDelivery(url: hook))
        }
        await bench.model.enqueue(
            .toolCalls([ScriptedToolCall(name: "schedule_resume", arguments: ["prompt": "Is it done?", "seconds_from_now": 300])]),
            .text("Deploy started; checking again in five minutes."))
        await bench.advance(to: 3600)
        var runs = try await bench.runs(schedule)
        // The wake-up is the fire's next step, queued with the run's finish.
        #expect(runs.map(\.status) == [.succeeded, .queued])
        let sessionID = try #require(runs[0].sessionID)
        #expect(runs[1].trigger == .resume && runs[1].step == 1 && runs[1].sessionID == sessionID)
        #expect(runs[1].firesAt == AgentEngineBench.t0.addingTimeInterval(3900))
        var session = try #require(try await bench.store.session(id: sessionID))
        #expect(session.state == .waiting)
        #expect(session.resumeAt == AgentEngineBench.t0.addingTimeInterval(3900))

        await bench.advance(to: 3899)
        #expect(await bench.model.calls.count == 2)

        await bench.model.enqueue(.text("Deploy finished: all green."))
        await bench.advance(to: 3900)
        runs = try await bench.runs(schedule)
        #expect(runs.count == 2)
        #expect(runs[1].trigger == .resume)
        #expect(runs[1].status == .succeeded)
        #expect(runs[1].sessionID == sessionID)
        #expect(runs[1].scheduledAt == runs[0].scheduledAt && runs[1].firesAt == AgentEngineBench.t0.addingTimeInterval(3900))
        #expect(runs[1].idempotencyKey == runs[0].idempotencyKey, "one fire, one key")
        session = try #require(try await bench.store.session(id: sessionID))
        #expect(session.state == .done)
        #expect(session.messages.filter { $0.role == .user }.map(\.text) == ["Watch the deploy.", "Is it done?"])
        let calls = try await bench.model.waitForCalls(3)
        #expect(calls[2].bodyText.contains("Deploy started; checking again in five minutes."))

        // Each run's final assistant text went to the schedule's delivery, in full.
        let deliveries = try await bench.receiver.waitForRequests(count: 2)
        #expect(deliveries.contains { $0.text.contains("Deploy finished: all green.") })
        #expect(deliveries.contains { $0.text.contains(sessionID) })
    }

    @Test("pausing the schedule holds its waiting session past resume_at; resuming it wakes the session at once")
    func pausedScheduleHoldsItsSession() async throws {
        let bench = try await AgentEngineBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule("deploy-watch", prompt: "Watch the deploy.")
        await bench.model.enqueue(
            .toolCalls([ScriptedToolCall(name: "schedule_resume", arguments: ["prompt": "Is it done?", "seconds_from_now": 300])]),
            .text("Checking again in five minutes."))
        await bench.advance(to: 3600)
        let sessionID = try #require(try await bench.runs(schedule).first?.sessionID)
        try await bench.store.setPaused(scheduleID: schedule.id, reason: "maintenance")
        await bench.advance(to: 3600.5)

        await bench.advance(to: 4000)
        #expect(try await bench.runs(schedule).map(\.status) == [.succeeded, .queued], "the wake-up is held while paused")
        #expect(try await bench.store.session(id: sessionID)?.state == .waiting)
        #expect(await bench.model.calls.count == 2)

        await bench.model.enqueue(.text("Deploy finished."))
        try await bench.store.setPaused(scheduleID: schedule.id, reason: nil)
        await bench.advance(to: 4000.5)
        let runs = try await bench.runs(schedule)
        #expect(runs.count == 2)
        #expect(runs.last?.trigger == .resume)
        #expect(runs.last?.status == .succeeded)
        #expect(try await bench.store.session(id: sessionID)?.state == .done)
    }

    @Test("schedule_recurring with max_runs wakes the session on its cadence, then it is done")
    func recurring() async throws {
        let bench = try await AgentEngineBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule("standup", rule: "once 2027-01-15T09:00:00Z", prompt: "Start the standup digests.")
        await bench.model.enqueue(
            .toolCalls([ScriptedToolCall(name: "schedule_recurring",
                                         arguments: ["prompt": "Digest {run}/{total}", "every": 900, "max_runs": 2])]),
            .text("Recurring set."), .text("Digest one."), .text("Digest two."))
        await bench.advance(to: 3600)
        await bench.advance(to: 3600 + 900)
        await bench.advance(to: 3600 + 1800)
        await bench.advance(to: 3600 + 2700)
        let runs = try await bench.runs(schedule)
        #expect(runs.map(\.trigger) == [.schedule, .resume, .resume])
        #expect(runs.map(\.status) == [.succeeded, .succeeded, .succeeded])
        let first = try #require(runs[0].sessionID)
        let session = try #require(try await bench.store.session(id: first))
        #expect(session.state == .done)
        #expect(session.recurrence?.runsDone == 2)
        #expect(session.messages.filter { $0.role == .user }.map(\.text) == ["Start the standup digests.", "Digest 1/2", "Digest 2/2"])
        #expect(await bench.model.calls.count == 4)
    }

    @Test("chaining across three fires: each session links to the previous one and its template sees previous_session")
    func chaining() async throws {
        let bench = try await AgentEngineBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(
            "news", prompt: "News digest.{{#previous_session}} Last time you wrote: {{previous_session.last_text}}{{/previous_session}}")
        await bench.model.enqueue(.text("Story A"), .text("Story B"), .text("Story C"))
        for hour in 1...3 { await bench.advance(to: Double(hour) * 3600) }
        let runs = try await bench.runs(schedule)
        #expect(runs.map(\.status) == [.succeeded, .succeeded, .succeeded])
        var sessions: [Session] = []
        for run in runs {
            let id = try #require(run.sessionID)
            sessions.append(try #require(try await bench.store.session(id: id)))
        }
        #expect(sessions[0].previousSessionID == nil)
        #expect(sessions[1].previousSessionID == sessions[0].id)
        #expect(sessions[2].previousSessionID == sessions[1].id)
        #expect(sessions.map { $0.messages.first?.text } == [
            "News digest.", "News digest. Last time you wrote: Story A", "News digest. Last time you wrote: Story B"])
    }

    @Test("per_item: three items give three sessions and three chains; the notify hook gets a back-link per session")
    func perItem() async throws {
        let bench = try await AgentEngineBench.make()
        defer { Task { await bench.close() } }
        let notify = bench.receiver.url("/notify")
        let schedule = try await bench.schedule("triage", prompt: "Triage {{item.title}}.{{#previous_session}} Before: {{previous_session.last_text}}{{/previous_session}}") {
            $0.dispatch = Dispatch(mode: .perItem, source: .static([["id": "a", "title": "Alpha"], ["id": "b", "title": "Beta"],
                                                                     ["id": "c", "title": "Gamma"]]),
                                   itemKey: "id", notify: .webhook(WebhookDelivery(url: notify)))
        }
        // The three item runs run concurrently, so replies are numbered, not matched to items.
        await bench.model.enqueue((1...6).map { ScriptedReply.text("done \($0)") })
        await bench.advance(to: 3600)
        await bench.advance(to: 7200)
        let runs = try await bench.runs(schedule).filter { $0.itemKey != nil }
        #expect(runs.count == 6)
        #expect(runs.allSatisfy { $0.status == .succeeded && $0.sessionID != nil })
        for key in ["a", "b", "c"] {
            let chain = try await bench.store.sessions(scheduleID: schedule.id, itemKey: key, limit: 10)
            #expect(chain.count == 2)
            #expect(chain[0].previousSessionID == chain[1].id)
            #expect(chain[1].previousSessionID == nil)
            #expect(chain[0].messages.first?.text?.contains("Before: done ") == true)
        }
        let notices = try await bench.receiver.waitForRequests(count: 6).filter { $0.path == "/notify" }
        #expect(notices.count == 6)
        #expect(notices.allSatisfy { $0.text.contains("http://pacer.test:8750/sessions/ses_") })
        #expect(Set(notices.compactMap { ($0.json as? [String: Any])?["item_key"] as? String }) == ["a", "b", "c"])
    }
}
