import Foundation
import PacerCore

/// Starts and continues the agent sessions of agent-target runs: a fire starts a new session
/// (chained to the previous one of the same schedule and item), and a `resume` run (the
/// continuation a waiting session's run queued) continues the session it names.
public struct AgentSessions: Sendable {
    /// The store.
    public var store: any AgentStore
    /// Builds the model endpoint of an agent (reads its key from the environment).
    public var makeProvider: @Sendable (Agent) throws -> any ModelProvider
    /// Server-wide caps, under each schedule's own.
    public var defaultCaps: Caps
    /// The clock.
    public var clock: any WallClock
    /// More tools for an agent (MCP), beside the built-in ones.
    public var extraTools: @Sendable (Agent) async -> [any AgentTool]
    /// Called once a session exists for a run, before the model is called (links the run,
    /// tells a per-item notify hook).
    public var onStart: @Sendable (Session, RunRequest) async -> Void
    /// The server's settings, which schedules agents write are checked against.
    public var policy: ServerPolicy

    /// - Parameters:
    ///   - store: the store.
    ///   - makeProvider: builds an agent's model endpoint.
    ///   - defaultCaps: the server's caps.
    ///   - clock: the clock.
    ///   - extraTools: more tools per agent.
    ///   - onStart: called when a run's session exists.
    ///   - policy: the server's settings.
    public init(store: any AgentStore, makeProvider: @escaping @Sendable (Agent) throws -> any ModelProvider,
                defaultCaps: Caps = .serverDefaults, clock: any WallClock = SystemClock(),
                extraTools: @escaping @Sendable (Agent) async -> [any AgentTool] = { _ in [] },
                onStart: @escaping @Sendable (Session, RunRequest) async -> Void = { _, _ in },
                policy: ServerPolicy = .closed) {
        self.policy = policy
        self.store = store
        self.makeProvider = makeProvider
        self.defaultCaps = defaultCaps
        self.clock = clock
        self.extraTools = extraTools
        self.onStart = onStart
    }

    /// Runs the request's agent target: a new session, or the continuation of a woken one.
    /// - Parameter request: an agent-target run.
    public func run(_ request: RunRequest) async -> RunOutcome {
        guard case .agent(let target) = request.schedule.target else {
            return .failed("not an agent target", failure: .permanent)
        }
        if request.run.trigger == .resume, let id = request.run.sessionID { return await resume(id, request) }
        return await start(target, request)
    }

    func start(_ target: AgentTarget, _ request: RunRequest) async -> RunOutcome {
        let at = clock.now()
        let agent: Agent
        let previous: Session?
        do {
            guard let found = try await findAgent(target.agent) else {
                return .failed("agent '\(target.agent)' does not exist", failure: .permanent)
            }
            agent = found
            previous = try await store.latestSession(scheduleID: request.schedule.id, itemKey: request.run.itemKey)
        } catch {
            return .failed("store: \(error)")
        }
        let context = PromptRenderer.context(request, agent: agent, previous: previous, now: at)
        let (prompt, renderEvent) = PromptRenderer.render(target.prompt, context: context, now: at)
        let session: Session
        do {
            session = try await store.createSession(Session(
                id: PacerID.make(.session, at: at), agentID: agent.id, scheduleID: request.schedule.id,
                itemKey: request.run.itemKey, previousSessionID: previous?.id, createdAt: at))
        } catch {
            return .failed("store: \(error)")
        }
        await onStart(session, request)
        return await drive(session, agent: agent, request: request, userTurn: prompt, events: renderEvent.map { [$0] } ?? [])
    }

    func resume(_ id: String, _ request: RunRequest) async -> RunOutcome {
        do {
            guard var session = try await store.session(id: id) else {
                return .failed("session \(id) does not exist", failure: .permanent)
            }
            guard session.state == .pending || session.state == .waiting else {
                return RunOutcome(status: .failed, error: "session \(id) is \(session.state.rawValue), not waiting",
                                  failure: .permanent, sessionID: id)
            }
            guard let agent = try await store.agent(id: session.agentID) else {
                return .failed("agent \(session.agentID) of session \(id) does not exist", failure: .permanent)
            }
            let userTurn: String
            var detail: [String: JSONValue] = ["resume": .number(Double(CapCheck.resumesDone(session) + 1)),
                                               "run_id": .string(request.run.id)]
            if var recurrence = session.recurrence, session.resumePrompt == nil {
                recurrence.runsDone += 1
                session.recurrence = recurrence
                userTurn = RecurrencePlan.prompt(recurrence, run: recurrence.runsDone)
                detail["recurring_run"] = .number(Double(recurrence.runsDone))
            } else {
                userTurn = session.resumePrompt ?? "Continue."
            }
            let event = SessionEvent(at: clock.now(), kind: .resumed, detail: detail)
            await onStart(session, request)
            var outcome = await drive(session, agent: agent, request: request, userTurn: userTurn, events: [event])
            // The session ended in error: a retry could only start a new session, not continue this one.
            if outcome.failure == .transient { outcome.failure = .permanent }
            return outcome
        } catch {
            return .failed("store: \(error)")
        }
    }

    /// Runs the tool loop and turns its end into the run's outcome.
    func drive(_ session: Session, agent: Agent, request: RunRequest, userTurn: String, events: [SessionEvent]) async -> RunOutcome {
        let provider: any ModelProvider
        do {
            provider = try makeProvider(agent)
        } catch {
            let message = (error as? ModelError)?.message ?? "\(error)"
            let loop = loop(agent, request, provider: UnavailableProvider(), tools: ToolBox([]))
            _ = try? await store.appendToSession(id: session.id, messages: [Message(role: .user, text: userTurn)], toolCalls: [],
                                                 events: events, inputTokens: 0, outputTokens: 0, cost: 0, at: clock.now())
            let result = await loop.fail(session, message, transient: false,
                                         event: SessionEvent(at: clock.now(), kind: .modelError, detail: ["message": .string(message)]),
                                         text: nil)
            return outcome(result)
        }
        let tools = ToolBox.offered(to: agent, extra: await extraTools(agent))
        let result = await loop(agent, request, provider: provider, tools: tools).run(session, userTurn: userTurn, events: events)
        return outcome(result)
    }

    func loop(_ agent: Agent, _ request: RunRequest, provider: any ModelProvider, tools: ToolBox) -> SessionLoop {
        SessionLoop(agent: agent, schedule: request.schedule, caps: request.schedule.caps.resolved(over: defaultCaps),
                    provider: provider, tools: tools, store: store, clock: clock, unattended: true, policy: policy)
    }

    func outcome(_ result: SessionResult) -> RunOutcome {
        let id = result.session.id
        let text = result.text
        switch result.end {
        case .done:
            return RunOutcome(status: .succeeded, output: text.map(Run.excerpt), sessionID: id, text: text)
        case .waiting(let at):
            let note = "session \(id) waits until \(PacerJSON.format(at))"
            let output = text.map { $0 + "\n\n" + note } ?? note
            var outcome = RunOutcome(status: .succeeded, output: Run.excerpt(output), sessionID: id, text: text)
            // The wake-up is the fire's next step, queued with this run's finish.
            outcome.continuation = RunOutcome.Continuation(at: at, trigger: .resume)
            return outcome
        case .failed(let message, let transient):
            return RunOutcome(status: .failed, output: text.map(Run.excerpt), error: message,
                              failure: transient ? .transient : .permanent, sessionID: id, text: text)
        case .capExceeded(let breach):
            return RunOutcome(status: .failed, output: text.map(Run.excerpt), error: breach.description,
                              failure: .permanent, sessionID: id, text: text)
        case .cancelled(let reason):
            return RunOutcome(status: .failed, output: text.map(Run.excerpt), error: "session cancelled: \(reason)",
                              failure: .permanent, sessionID: id, text: text)
        }
    }

    func findAgent(_ reference: String) async throws -> Agent? {
        if let agent = try await store.agent(id: reference) { return agent }
        return try await store.agent(named: reference)
    }
}

/// Stands in when an agent's provider cannot be built; never called.
struct UnavailableProvider: ModelProvider {
    func complete(_ request: ModelRequest) async throws -> ModelReply {
        throw ModelError(.transport, "no model provider")
    }
}
