import Foundation
import PacerAgents
import PacerCore
import PacerStore
import PacerTesting
import Testing

@Suite("Session caps")
struct SessionCapsTests {
    @Test("max_total_tokens is checked after every model call")
    func tokens() async throws {
        let bench = try await AgentBench.make { $0.tools = ["run_history"] }
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(caps: Caps(maxTotalTokens: 25))
        await bench.model.enqueue(.toolCalls([call("run_history", [:])], inputTokens: 10, outputTokens: 5),
                                  .toolCalls([call("run_history", [:])], inputTokens: 10, outputTokens: 5),
                                  .text("never asked"))
        let outcome = await bench.run(schedule)
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        let event = try #require(session.events.last)
        #expect(event.kind == .capExceeded)
        #expect(event.detail == ["cap": "max_total_tokens", "observed": 30, "limit": 25])
        #expect(await bench.model.calls.count == 2)
        #expect(await bench.model.pending == 1)
    }

    @Test("max_cost is checked after every model call")
    func cost() async throws {
        let bench = try await AgentBench.make { $0.inputPricePerMillion = 100_000; $0.tools = ["run_history"] }
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(caps: Caps(maxCost: 1.5))
        // Each call costs 10 * 100,000 / 1,000,000 = 1.0 (output is 0.00005).
        await bench.model.enqueue(.toolCalls([call("run_history", [:])]), .text("second call breaches"))
        let outcome = await bench.run(schedule)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        let detail = try #require(session.events.last?.detail)
        #expect(detail["cap"] == "max_cost")
        #expect(detail["limit"] == 1.5)
        if case .number(let observed)? = detail["observed"] { #expect(observed > 1.5 && observed < 2.1) } else { Issue.record("no observed") }
        #expect(outcome.error?.contains("max_cost") == true)
    }

    @Test("max_lifetime_hours: a deferral past the lifetime is refused with cap_exceeded and ends the session")
    func lifetime() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(caps: Caps(maxLifetimeHours: 1))
        await bench.model.enqueue(.toolCalls([call("schedule_resume", ["prompt": "later", "seconds_from_now": 7200])]),
                                  .text("never asked"))
        let outcome = await bench.run(schedule)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        #expect(session.resumeAt == nil)
        let tool = try #require(session.toolLog.first)
        #expect(tool.isError)
        #expect(tool.output.contains("\"error\":\"cap_exceeded\""))
        #expect(tool.output.contains("\"cap\":\"max_lifetime_hours\""))
        #expect(session.events.last?.detail["observed"] == 2)
        #expect(session.events.last?.detail["limit"] == 1)
        #expect(await bench.model.calls.count == 1)
    }

    @Test("max_lifetime_hours is also checked after a model call")
    func lifetimeAfterCall() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(caps: Caps(maxLifetimeHours: 1))
        await bench.model.enqueue(.toolCalls([call("schedule_resume", ["prompt": "later", "seconds_from_now": 3000])]), .text("ok"))
        let id = try #require(await bench.run(schedule).sessionID)
        // Woken 2 hours after it began (the server was down): the first model call breaches.
        bench.clock.advance(by: 7200)
        await bench.model.enqueue(.text("too late"))
        let outcome = await bench.run(schedule, resume: id)
        #expect(outcome.status == .failed)
        let session = try await bench.session(id)
        #expect(session.state == .error)
        #expect(session.events.last?.kind == .capExceeded)
        #expect(session.events.last?.detail["cap"] == "max_lifetime_hours")
    }

    @Test("max_resumes: checked before every re-deferral, by schedule_resume and by recurring wake-ups")
    func resumes() async throws {
        let bench = try await AgentBench.make()
        defer { Task { await bench.close() } }
        let schedule = try await bench.schedule(caps: Caps(maxResumes: 1))
        await bench.model.enqueue(.toolCalls([call("schedule_resume", ["prompt": "again", "seconds_from_now": 60])]), .text("ok"))
        let id = try #require(await bench.run(schedule).sessionID)
        #expect(try await bench.session(id).state == .waiting)
        bench.clock.advance(by: 60)
        await bench.model.enqueue(.toolCalls([call("schedule_resume", ["prompt": "once more", "seconds_from_now": 60])]))
        let outcome = await bench.run(schedule, resume: id)
        #expect(outcome.status == .failed)
        let session = try await bench.session(id)
        #expect(session.state == .error)
        #expect(session.events.last?.detail == ["cap": "max_resumes", "observed": 2, "limit": 1])
        #expect(session.toolLog.last?.output.contains("\"cap\":\"max_resumes\"") == true)
        #expect(await bench.model.pending == 0)

        // Recurring: the wake-up after the cap's last one is refused when the run ends.
        let recurring = try await bench.schedule("recurring", caps: Caps(maxResumes: 1))
        await bench.model.enqueue(.toolCalls([call("schedule_recurring", ["prompt": "tick {run}", "every": 60, "max_runs": 5])]),
                                  .text("ok"))
        let rid = try #require(await bench.run(recurring).sessionID)
        #expect(try await bench.session(rid).toolLog.last?.output.contains("warning") == true)
        bench.clock.advance(by: 60)
        await bench.model.enqueue(.text("tick 1 done"))
        #expect(await bench.run(recurring, resume: rid).status == .failed)
        let r = try await bench.session(rid)
        #expect(r.state == .error)
        #expect(r.events.last?.detail["cap"] == "max_resumes")
    }

    @Test("server default caps apply when a schedule sets none")
    func serverDefaults() async throws {
        let base = try await AgentBench.make()
        defer { Task { await base.close() } }
        var bench = base
        bench.defaultCaps = Caps(maxResumes: 50, maxLifetimeHours: 720, maxTotalTokens: 12, maxCost: 5)
        let schedule = try await bench.schedule()
        await bench.model.enqueue(.text("fifteen tokens", inputTokens: 10, outputTokens: 5))
        let outcome = await bench.run(schedule)
        let session = try await bench.session(outcome.sessionID)
        #expect(session.state == .error)
        #expect(session.events.last?.detail == ["cap": "max_total_tokens", "observed": 15, "limit": 12])
    }
}
