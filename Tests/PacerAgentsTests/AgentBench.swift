import AsyncHTTPClient
import Foundation
import PacerAgents
import PacerCore
import PacerSQLite
import PacerStore
import PacerTesting
import Testing

/// A store on a temporary SQLite file with a manual clock, a scripted model server, one agent
/// pointed at it, and the session driver; tests run agent-target runs through it directly.
struct AgentBench {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let clock: ManualClock
    let store: SQLiteStore
    let model: ScriptedModelServer
    let directory: URL
    var agent: Agent
    var defaultCaps = Caps.serverDefaults
    /// The server's settings the agent's schedule tools are checked against.
    var policy = ServerPolicy.closed
    var environment: [String: String] = ["PACER_TEST_MODEL_KEY": "sk-test-secret-123"]
    /// Sleeps the providers asked for (429 backoff), instead of sleeping.
    let slept = Recorder<Double>()

    static func make(provider: Agent.Provider = .openai, _ change: (inout Agent) -> Void = { _ in }) async throws -> AgentBench {
        let clock = ManualClock(t0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("pacer.db").path, clock: clock)
        let model = try await ScriptedModelServer.start()
        var agent = Agent(id: PacerID.make(.agent, at: t0), name: "helper", provider: provider,
                          baseURL: provider == .openai ? model.openAIBaseURL : model.anthropicBaseURL,
                          model: provider == .openai ? "gpt-test" : "claude-test", apiKeyEnv: "PACER_TEST_MODEL_KEY",
                          systemPrompt: "You are a careful assistant.", maxTurns: 8,
                          inputPricePerMillion: 2, outputPricePerMillion: 10, createdAt: t0)
        change(&agent)
        agent = try await store.saveAgent(agent)
        return AgentBench(clock: clock, store: store, model: model, directory: directory, agent: agent)
    }

    /// The session driver, with a no-op backoff sleep that records its argument.
    var sessions: AgentSessions {
        let environment = self.environment, slept = self.slept, clock = self.clock
        let options = ProviderOptions(requestTimeout: 10, maxRetries: 2, backoffBase: 1, sleep: { slept.append($0) })
        return AgentSessions(
            store: store,
            makeProvider: { agent in
                try ModelProviders.make(for: agent, environment: environment, client: HTTPClient.shared, options: options)
            },
            defaultCaps: defaultCaps, clock: clock, policy: policy)
    }

    /// Creates a schedule running the agent with a prompt.
    @discardableResult
    func schedule(_ name: String = "digest", prompt: String = "Summarise the news.", caps: Caps = Caps(),
                  _ change: (inout Schedule) -> Void = { _ in }) async throws -> Schedule {
        var s = Schedule(id: PacerID.make(.schedule, at: clock.now()), name: name, owner: "test",
                         timing: ScheduleTiming(rule: "every 1h"), target: .agent(AgentTarget(agent: agent.name, prompt: prompt)),
                         caps: caps, createdAt: clock.now())
        change(&s)
        return try await store.createSchedule(s, author: "test")
    }

    /// Runs one fire of the schedule (or a wake-up of a session) through the driver.
    func run(_ schedule: Schedule, item: (String, JSONValue)? = nil, items: [JSONValue] = [],
             resume session: String? = nil) async -> RunOutcome {
        var run = Run(id: PacerID.make(.run, at: clock.now()), scheduleID: schedule.id, scheduledAt: clock.now(),
                      firesAt: clock.now(), attempt: 1, status: .running, trigger: session == nil ? .schedule : .resume,
                      itemKey: item?.0)
        run.sessionID = session
        return await sessions.run(RunRequest(schedule: schedule, run: run, item: item?.1, items: items))
    }

    func session(_ id: String?) async throws -> Session {
        let id = try #require(id)
        return try #require(try await store.session(id: id))
    }

    func close() async {
        await model.stop()
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A thread-safe list for values recorded by `@Sendable` closures.
final class Recorder<T: Sendable>: Sendable {
    private let values = Mutex<[T]>([])
    func append(_ value: T) { values.withLock { $0.append(value) } }
    var all: [T] { values.withLock { $0 } }
}

import Synchronization

/// Tool call shorthand.
func call(_ name: String, _ arguments: JSONValue, id: String? = nil) -> ScriptedToolCall {
    ScriptedToolCall(name: name, arguments: arguments, id: id)
}

extension Session {
    /// The kinds of its events, in order.
    var eventKinds: [String] { events.map(\.kind.rawValue) }
}
