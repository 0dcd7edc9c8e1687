import PacerSQLite
import Foundation
import PacerAgents
import PacerCore
import PacerStore
import PacerTesting
import Testing

@Suite("Model failures in sessions")
struct SessionFailureTests {
    @Test("429 with Retry-After, then success: the session goes on", arguments: [Agent.Provider.openai, .anthropic])
    func rateLimitThenSuccess(provider: Agent.Provider) async throws {
        let bench = try await AgentBench.make(provider: provider)
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.status(429, body: #"{"error":{"message":"slow down"}}"#, headers: ["Retry-After": "7"]),
                                  .text("Done after waiting."))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .succeeded)
        #expect(outcome.text == "Done after waiting.")
        #expect(bench.slept.all == [7])
        #expect(await bench.model.calls.count == 2)
        #expect(try await bench.session(outcome.sessionID).state == .done)
    }

    @Test("401: the session ends in error with a clear model_error; the key is never in it", arguments: [Agent.Provider.openai, .anthropic])
    func unauthorized(provider: Agent.Provider) async throws {
        let bench = try await AgentBench.make(provider: provider)
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.status(401, body: #"{"error":{"message":"invalid x-api-key"}}"#))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        let event = try #require(session.events.last)
        #expect(event.kind == .modelError)
        #expect(event.detail["kind"] == "unauthorized")
        #expect(event.detail["status"] == 401)
        let everything = (outcome.error ?? "") + "\(session.events)" + "\(session.messages)"
        #expect(!everything.contains("sk-test-secret-123"))
        #expect(await bench.model.calls.count == 1)
    }

    @Test("a malformed reply ends the session in error and leaves the process able to run the next one")
    func malformed() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.raw("<html>gateway</html>"), .raw(#"{"choices": "nope"}"#))
        for _ in 0..<2 {
            let outcome = await bench.run(schedule)
            #expect(outcome.status == .failed)
            #expect(outcome.failure == .permanent)
            let session = try await bench.session(outcome.sessionID)
            #expect(session.state == .error)
            #expect(session.events.last?.detail["kind"] == "malformed")
        }
        await bench.model.enqueue(.text("Fine again."))
        let next = await bench.run(schedule)
        #expect(next.status == .succeeded)
        #expect(next.text == "Fine again.")
    }

    @Test("5xx on every attempt is a transient failure (the run may be retried)")
    func serverErrors() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.status(503), .status(503), .status(503))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .transient)
        #expect(await bench.model.calls.count == 3)  // the first attempt and two retries
        #expect(try await bench.session(outcome.sessionID).state == .error)
    }

    @Test("a missing API key variable ends the session in error naming the variable, without calling the model")
    func missingKey() async throws {
        let base = try await AgentBench.make()
        defer { Task { await base.close() } }
        var bench = base
        bench.environment = [:]
        let schedule = try await bench.schedule()
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.error?.contains("PACER_TEST_MODEL_KEY") == true)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        #expect(session.messages.first?.text == "Summarise the news.")
        #expect(await bench.model.calls.isEmpty)
    }

    @Test("an agent that no longer exists fails the run permanently")
    func missingAgent() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        var schedule = try await bench.schedule()
        schedule.target = .agent(AgentTarget(agent: "ghost", prompt: "hi"))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        #expect(outcome.error == "agent 'ghost' does not exist")
    }

    @Test("a session cancelled from outside stops at its next step")
    func cancelledOutside() async throws {
        let bench = try await AgentBench.make { $0.tools = ["run_history"] }
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.delayed(0.5, .toolCalls([call("run_history", [:])])), .text("never asked"))
        let store = bench.store
        let canceller = Task {
            // Wait until the session exists, then cancel it as `pacer sessions cancel` does.
            for _ in 0..<200 {
                if let s = try await store.sessions(scheduleID: schedule.id, itemKey: nil, limit: 1).first {
                    _ = try await store.updateSession(id: s.id, state: .cancelled, resumeAt: nil, resumePrompt: nil,
                                                      recurrence: nil, at: Date())
                    return
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let outcome = await bench.run(schedule)
        try await canceller.value
        #expect(outcome.status == .failed)
        #expect(outcome.error?.contains("cancelled") == true)
        #expect(try await bench.session(outcome.sessionID).state == .cancelled)
        #expect(await bench.model.calls.count == 1)
    }
}
