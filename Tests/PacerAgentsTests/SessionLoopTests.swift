import PacerSQLite
import Foundation
import PacerAgents
import PacerCore
import PacerStore
import PacerTesting
import Testing

@Suite("Session tool loop")
struct SessionLoopTests {
    @Test("a tool call, its result, then the final answer; transcript, tool log, usage and cost recorded",
          arguments: [Agent.Provider.openai, .anthropic])
    func toolLoop(provider: Agent.Provider) async throws {
        let bench = try await AgentBench.make(provider: provider) { $0.tools = ["schedules"] }
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(
            .toolCalls([call("run_history", ["limit": 5], id: "c1")], text: "Let me look.", inputTokens: 100, outputTokens: 20),
            .text("All good.", inputTokens: 150, outputTokens: 30))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .succeeded)
        #expect(outcome.text == "All good.")
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(session.messages.map(\.role) == [.user, .assistant, .tool, .assistant])
        #expect(session.messages[0].text == "Summarise the news.")
        #expect(session.messages[1].toolCalls.map(\.name) == ["run_history"])
        #expect(session.messages[2].toolCallID == "c1")
        #expect(session.toolLog.count == 1)
        #expect(session.toolLog[0].name == "run_history")
        #expect(session.toolLog[0].output.contains("\"ok\":true"))
        #expect(!session.toolLog[0].isError)
        #expect(session.inputTokens == 250 && session.outputTokens == 50)
        #expect(abs(session.cost - (250.0 * 2 + 50.0 * 10) / 1_000_000) < 1e-12)

        let calls = try await bench.model.waitForCalls(2)
        #expect(calls.count == 2)
        let offered = Set(toolNames(calls[0]))
        #expect(offered.isSuperset(of: ["schedule_resume", "schedule_recurring", "run_history", "create_schedule"]))
        // The second call carries the whole transcript, with the tool result answering the call.
        #expect(calls[1].bodyText.contains("c1"))
        #expect(calls[1].bodyText.contains("Let me look."))
        #expect(calls[1].headers[provider == .openai ? "authorization" : "x-api-key"]?.contains("sk-test-secret-123") == true)
    }

    @Test("schedule_resume makes the session wait; the wake-up appends the stored prompt and keeps the transcript")
    func resume() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(
            .toolCalls([call("schedule_resume", ["prompt": "Check the deploy again.", "seconds_from_now": 3600])]),
            .text("I will check back in an hour."))
        let first = await bench.run(schedule)
        #expect(first.status == .succeeded)
        var session = try await bench.session(first.sessionID)
        #expect(session.state == .waiting)
        #expect(session.resumeAt == AgentBench.t0.addingTimeInterval(3600))
        #expect(session.resumePrompt == "Check the deploy again.")
        #expect(session.eventKinds == ["resume_scheduled"])
        #expect(session.toolLog[0].output.contains("\"resume_at\":\"\(PacerJSON.format(AgentBench.t0.addingTimeInterval(3600)))\""))

        bench.clock.advance(by: 3600)
        await bench.model.enqueue(.text("Deploy is green."))
        let second = await bench.run(schedule, resume: session.id)
        #expect(second.status == .succeeded)
        #expect(second.text == "Deploy is green.")
        session = try await bench.session(session.id)
        #expect(session.state == .done)
        #expect(session.resumeAt == nil)
        #expect(session.eventKinds == ["resume_scheduled", "resumed"])
        let users = session.messages.filter { $0.role == .user }.map(\.text)
        #expect(users == ["Summarise the news.", "Check the deploy again."])
        let calls = try await bench.model.waitForCalls(3)
        // The wake-up's model call sees everything said before.
        #expect(calls[2].bodyText.contains("Summarise the news."))
        #expect(calls[2].bodyText.contains("I will check back in an hour."))
        #expect(calls[2].bodyText.contains("Check the deploy again."))
    }

    @Test("schedule_resume outside 60 s ... 30 days, or with both at and seconds_from_now, is a tool error naming the field")
    func resumeBadArguments() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(
            .toolCalls([call("schedule_resume", ["prompt": "x", "seconds_from_now": 30], id: "a"),
                        call("schedule_resume", ["prompt": "x", "seconds_from_now": 3_000_000], id: "b"),
                        call("schedule_resume", ["prompt": "x", "seconds_from_now": 600, "at": "2027-01-15T09:00:00Z"], id: "c"),
                        call("schedule_resume", ["seconds_from_now": 600], id: "d")]),
            .text("Giving up on waiting."))
        let outcome = await bench.run(schedule)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(session.toolLog.allSatisfy { $0.isError })
        #expect(session.toolLog[0].output.contains("\"field\":\"seconds_from_now\""))
        #expect(session.toolLog[1].output.contains("30 days"))
        #expect(session.toolLog[2].output.contains("not both"))
        #expect(session.toolLog[3].output.contains("\"field\":\"prompt\""))
    }

    @Test("schedule_recurring with max_runs: wake-ups anchored at the first fire, {run}/{total} replaced, then done")
    func recurringMaxRuns() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(
            .toolCalls([call("schedule_recurring", ["prompt": "Digest {run} of {total}.", "every": 600, "max_runs": 2])]),
            .text("Set up."))
        let id = try #require(await bench.run(schedule).sessionID)
        var session = try await bench.session(id)
        #expect(session.state == .waiting)
        #expect(session.resumeAt == AgentBench.t0.addingTimeInterval(600))

        // The first wake-up runs late (650 s): the next is still anchored at 600 + 600.
        bench.clock.advance(to: AgentBench.t0.addingTimeInterval(650))
        await bench.model.enqueue(.text("Digest one."))
        #expect(await bench.run(schedule, resume: id).status == .succeeded)
        session = try await bench.session(id)
        #expect(session.state == .waiting)
        #expect(session.resumeAt == AgentBench.t0.addingTimeInterval(1200))
        #expect(session.recurrence?.runsDone == 1)

        bench.clock.advance(to: AgentBench.t0.addingTimeInterval(1200))
        await bench.model.enqueue(.text("Digest two."))
        #expect(await bench.run(schedule, resume: id).status == .succeeded)
        session = try await bench.session(id)
        #expect(session.state == .done)
        #expect(session.recurrence?.runsDone == 2)
        #expect(session.messages.filter { $0.role == .user }.map(\.text) == ["Summarise the news.", "Digest 1 of 2.", "Digest 2 of 2."])
        #expect(session.eventKinds.last == "recurrence_finished")
    }

    @Test("schedule_recurring with until: no wake-up after it")
    func recurringUntil() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        let until = PacerJSON.format(AgentBench.t0.addingTimeInterval(1500))
        await bench.model.enqueue(
            .toolCalls([call("schedule_recurring", ["prompt": "Run {run} of {total}.", "every": "10m", "until": .string(until)])]),
            .text("ok"))
        let id = try #require(await bench.run(schedule).sessionID)
        for (at, reply) in [(600.0, "first"), (1200.0, "second")] {
            bench.clock.advance(to: AgentBench.t0.addingTimeInterval(at))
            await bench.model.enqueue(.text(reply))
            #expect(await bench.run(schedule, resume: id).status == .succeeded)
        }
        let session = try await bench.session(id)
        // The next wake-up would be at 1800 s, after until (1500 s): the session is done.
        #expect(session.state == .done)
        #expect(session.resumeAt == nil)
        #expect(session.messages.filter { $0.role == .user }.map(\.text).last == "Run 2 of ∞.")
    }

    @Test("max_turns ends a session that keeps calling tools in error")
    func maxTurns() async throws {
        let bench = try await AgentBench.make { $0.maxTurns = 2; $0.tools = ["run_history"] }
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.toolCalls([call("run_history", [:])]), .toolCalls([call("run_history", [:])]))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("max_turns (2)") == true)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        #expect(session.eventKinds == ["max_turns_reached"])
        #expect(await bench.model.calls.count == 2)
    }

    @Test("an unknown tool or malformed arguments are tool errors the model can read")
    func unknownTool() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(
            .toolCalls([call("rm_rf", [:]), call("delete_schedule", ["schedule": "digest"])]),
            .text("Understood."))
        let outcome = await bench.run(schedule)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .done)
        #expect(session.toolLog.map(\.isError) == [true, true])
        #expect(session.toolLog[0].output.contains("unknown tool 'rm_rf'"))
        // Not on the allow-list: not offered, so unknown as well.
        #expect(session.toolLog[1].output.contains("unknown tool 'delete_schedule'"))
        #expect(try await bench.store.schedule(id: schedule.id) != nil)
    }
}

/// The tool names a model call offered.
func toolNames(_ call: ModelCall) -> [String] {
    guard case .array(let tools)? = call.body["tools"] else { return [] }
    return tools.compactMap { tool in
        if case .string(let name)? = tool["function"]?["name"] { return name }
        if case .string(let name)? = tool["name"] { return name }
        return nil
    }
}
