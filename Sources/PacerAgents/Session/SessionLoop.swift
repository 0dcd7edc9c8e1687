import Foundation
import PacerCore

/// How a run of a session ended.
public enum SessionEnd: Sendable, Hashable {
    /// The model answered without asking for more tools; nothing is pending.
    case done
    /// The session deferred itself (or recurs) and waits until the instant.
    case waiting(Date)
    /// A model call or the store failed; `transient` failures may succeed on a later run.
    case failed(String, transient: Bool)
    /// A cap was reached; the session is in `error`.
    case capExceeded(CapBreach)
    /// The session was cancelled (by a user, or its run was stopped).
    case cancelled(String)
}

/// The result of one run of a session.
public struct SessionResult: Sendable {
    /// The session as stored at the end.
    public var session: Session
    /// How the run ended.
    public var end: SessionEnd
    /// The last assistant text of this run (what delivery sends).
    public var text: String?
}

/// The tool loop of one run of a session: call the model, carry out the tools it asks for,
/// and repeat until it answers without tools, `max_turns` is used up, a cap is reached, a call
/// fails or the task is cancelled. Every step is written to the store as it happens, so a
/// crash leaves the transcript up to the last step.
public struct SessionLoop: Sendable {
    /// The agent.
    public var agent: Agent
    /// The schedule the session belongs to.
    public var schedule: Schedule?
    /// The caps in force.
    public var caps: Caps
    /// The model endpoint.
    public var provider: any ModelProvider
    /// The tools offered.
    public var tools: ToolBox
    /// The store.
    public var store: any AgentStore
    /// The clock.
    public var clock: any WallClock
    /// Whether no person watches (every scheduled session): the deny floor applies.
    public var unattended: Bool
    /// The server's settings, which schedules the agent writes are checked against.
    public var policy: ServerPolicy

    /// - Parameters:
    ///   - agent: the agent.
    ///   - schedule: the schedule.
    ///   - caps: resolved caps.
    ///   - provider: the model endpoint.
    ///   - tools: the tools offered.
    ///   - store: the store.
    ///   - clock: the clock.
    ///   - unattended: whether the deny floor applies.
    ///   - policy: the server's settings.
    public init(agent: Agent, schedule: Schedule?, caps: Caps, provider: any ModelProvider, tools: ToolBox,
                store: any AgentStore, clock: any WallClock, unattended: Bool = true,
                policy: ServerPolicy = .closed) {
        self.policy = policy
        self.agent = agent
        self.schedule = schedule
        self.caps = caps
        self.provider = provider
        self.tools = tools
        self.store = store
        self.clock = clock
        self.unattended = unattended
    }

    /// Runs the session from a new user turn.
    /// - Parameters:
    ///   - start: the session, as stored (its `recurrence` is kept as given).
    ///   - userTurn: the user message that starts this run.
    ///   - events: events to record with it (`prompt_render_error`, `resumed`).
    public func run(_ start: Session, userTurn: String, events: [SessionEvent] = []) async -> SessionResult {
        var session = start
        var lastText: String?
        var pacing: ToolEffect?
        do {
            session = try await store.updateSession(id: session.id, state: .running, resumeAt: nil, resumePrompt: nil,
                                                    recurrence: session.recurrence, at: clock.now())
            session = try await store.appendToSession(id: session.id, messages: [Message(role: .user, text: userTurn)],
                                                      toolCalls: [], events: events, inputTokens: 0, outputTokens: 0,
                                                      cost: 0, at: clock.now())
            for _ in 0..<agent.maxTurns {
                if Task.isCancelled { return await cancelled(session, "the run was stopped", text: lastText) }
                var reply: ModelReply
                do {
                    // Tool names go on the wire as `server__tool`, and come back as `server.tool`.
                    reply = try await provider.complete(ModelRequest(model: agent.model, system: agent.systemPrompt,
                                                                     messages: ToolBox.wireMessages(session.messages),
                                                                     tools: tools.specs))
                    reply.toolCalls = reply.toolCalls.map { call in
                        var c = call
                        c.name = tools.toolName(forWireName: c.name)
                        return c
                    }
                } catch let error as ModelError {
                    AgentMetrics.shared.callFailed()
                    if Task.isCancelled { return await cancelled(session, "the run was stopped", text: lastText) }
                    let detail: [String: JSONValue] = ["kind": .string(error.kind.rawValue), "message": .string(error.message),
                                                       "status": error.status.map { .number(Double($0)) } ?? .null]
                    return await fail(session, "model call failed: \(error.message)", transient: error.isTransient,
                                      event: SessionEvent(at: clock.now(), kind: .modelError, detail: detail), text: lastText)
                } catch {
                    return await cancelled(session, Task.isCancelled ? "the run was stopped" : "\(error)", text: lastText)
                }
                let cost = agent.cost(inputTokens: reply.inputTokens, outputTokens: reply.outputTokens)
                AgentMetrics.shared.called(inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, cost: cost)
                let assistant = Message(role: .assistant, text: reply.text, toolCalls: reply.toolCalls)
                session = try await store.appendToSession(
                    id: session.id, messages: [assistant], toolCalls: [], events: [], inputTokens: reply.inputTokens,
                    outputTokens: reply.outputTokens, cost: cost, at: clock.now())
                if let text = reply.text, !text.isEmpty { lastText = text }
                if session.state == .cancelled { return SessionResult(session: session, end: .cancelled("cancelled"), text: lastText) }
                if let breach = CapCheck.usage(session, caps: caps, now: clock.now()) {
                    return await capExceeded(session, breach, text: lastText)
                }
                if reply.toolCalls.isEmpty { return await finish(session, pacing: pacing, text: lastText) }

                var results: [Message] = [], log: [ToolCall] = [], toolEvents: [SessionEvent] = []
                var breach: CapBreach?
                for call in reply.toolCalls {
                    let at = clock.now()
                    let started = ContinuousClock.now
                    let (output, event) = await execute(call, session: session)
                    let elapsed = ContinuousClock.now - started
                    let text = output.result.jsonText
                    results.append(Message(role: .tool, text: text, toolCallID: call.id, isError: output.isError))
                    log.append(ToolCall(callID: call.id, name: call.name, arguments: call.arguments, output: text,
                                        durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                                        isError: output.isError, at: at))
                    if let event { toolEvents.append(event) }
                    switch output.effect {
                    case .resume(let wakeAt, _)?:
                        pacing = output.effect
                        toolEvents.append(SessionEvent(at: at, kind: .resumeScheduled,
                                                       detail: ["tool": .string(call.name), "resume_at": .string(PacerJSON.format(wakeAt))]))
                    case .recurring(let r)?:
                        pacing = output.effect
                        var detail: [String: JSONValue] = ["tool": .string(call.name), "resume_at": .string(PacerJSON.format(r.startedAt)),
                                                           "every_seconds": .number(Double(r.everySeconds))]
                        if let maxRuns = r.maxRuns { detail["max_runs"] = .number(Double(maxRuns)) }
                        if let until = r.until { detail["until"] = .string(PacerJSON.format(until)) }
                        toolEvents.append(SessionEvent(at: at, kind: .resumeScheduled, detail: detail))
                    case .capExceeded(let b)?:
                        breach = b
                    case nil:
                        break
                    }
                }
                session = try await store.appendToSession(id: session.id, messages: results, toolCalls: log, events: toolEvents,
                                                          inputTokens: 0, outputTokens: 0, cost: 0, at: clock.now())
                if session.state == .cancelled { return SessionResult(session: session, end: .cancelled("cancelled"), text: lastText) }
                if let breach { return await capExceeded(session, breach, text: lastText) }
            }
            let event = SessionEvent(at: clock.now(), kind: .maxTurnsReached, detail: ["max_turns": .number(Double(agent.maxTurns))])
            if pacing != nil {
                session = try await store.appendToSession(id: session.id, messages: [], toolCalls: [], events: [event],
                                                          inputTokens: 0, outputTokens: 0, cost: 0, at: clock.now())
                return await finish(session, pacing: pacing, text: lastText)
            }
            return await fail(session, "max_turns (\(agent.maxTurns)) reached with tool calls still pending", transient: false,
                              event: event, text: lastText)
        } catch {
            if Task.isCancelled { return await cancelled(session, "the run was stopped", text: lastText) }
            return await fail(session, "store: \(error)", transient: true, event: nil, text: lastText)
        }
    }

    /// One tool call: unknown tools, malformed arguments and denied calls become error results.
    func execute(_ call: ToolCallRequest, session: Session) async -> (ToolOutput, SessionEvent?) {
        guard let tool = tools.tool(named: call.name) else {
            let offered = tools.tools.map(\.spec.name).joined(separator: ", ")
            return (.failure("unknown tool '\(call.name)'; the tools offered are: \(offered)"), nil)
        }
        guard let arguments = JSONValue.parse(call.arguments) else {
            return (.failure("the arguments are not valid JSON: \(String(call.arguments.prefix(200)))"), nil)
        }
        if !Approval.allows(mode: agent.approvalMode, unattended: unattended, dangerous: tool.isDangerous(arguments)) {
            let reason = "\(call.name) is dangerous and this unattended session's approval mode (\(agent.approvalMode.rawValue)) denies it"
            return (.failure("denied", ["reason": .string(reason)]),
                    SessionEvent(at: clock.now(), kind: .toolDenied, detail: ["tool": .string(call.name), "reason": .string(reason)]))
        }
        let context = ToolContext(session: session, agent: agent, schedule: schedule, caps: caps, now: clock.now(), store: store,
                                  policy: policy)
        return (await tool.call(arguments, context: context), nil)
    }

    /// The model answered: wait as a tool asked, go on recurring, or be done.
    func finish(_ session: Session, pacing: ToolEffect?, text: String?) async -> SessionResult {
        let at = clock.now()
        do {
            if let pacing, let write = SessionDeferral.write(for: pacing, drivenByARun: false, at: at), let wakeAt = write.resumeAt {
                let s = try await store.store(write, sessionID: session.id, at: at)
                return SessionResult(session: s, end: .waiting(wakeAt), text: text)
            }
            if let r = session.recurrence {
                if let next = RecurrencePlan.next(r, after: at) {
                    if let breach = CapCheck.deferral(session, caps: caps, now: at, wakeAt: next) {
                        return await capExceeded(session, breach, text: text)
                    }
                    let s = try await store.updateSession(id: session.id, state: .waiting, resumeAt: next, resumePrompt: nil,
                                                          recurrence: r, at: at)
                    return SessionResult(session: s, end: .waiting(next), text: text)
                }
                _ = try await store.appendToSession(
                    id: session.id, messages: [], toolCalls: [],
                    events: [SessionEvent(at: at, kind: .recurrenceFinished, detail: ["runs_done": .number(Double(r.runsDone))])],
                    inputTokens: 0, outputTokens: 0, cost: 0, at: at)
            }
            let s = try await store.updateSession(id: session.id, state: .done, resumeAt: nil, resumePrompt: nil,
                                                  recurrence: session.recurrence, at: at)
            return SessionResult(session: s, end: .done, text: text)
        } catch {
            return await fail(session, "store: \(error)", transient: true, event: nil, text: text)
        }
    }

    func capExceeded(_ session: Session, _ breach: CapBreach, text: String?) async -> SessionResult {
        let event = SessionEvent(at: clock.now(), kind: .capExceeded, detail: breach.detail)
        let s = await settle(session, state: .error, event: event)
        return SessionResult(session: s, end: .capExceeded(breach), text: text)
    }

    func fail(_ session: Session, _ message: String, transient: Bool, event: SessionEvent?, text: String?) async -> SessionResult {
        let s = await settle(session, state: .error, event: event)
        return SessionResult(session: s, end: .failed(message, transient: transient), text: text)
    }

    func cancelled(_ session: Session, _ reason: String, text: String?) async -> SessionResult {
        let s = await settle(session, state: .cancelled,
                             event: SessionEvent(at: clock.now(), kind: .cancelled, detail: ["reason": .string(reason)]))
        return SessionResult(session: s, end: .cancelled(reason), text: text)
    }

    /// Records the final state in a task of its own, so it is written even when this run's
    /// task was cancelled (timeout, drain).
    func settle(_ session: Session, state: Session.State, event: SessionEvent?) async -> Session {
        let store = self.store, at = clock.now()
        return await Task {
            var s = session
            if let event {
                s = (try? await store.appendToSession(id: s.id, messages: [], toolCalls: [], events: [event],
                                                      inputTokens: 0, outputTokens: 0, cost: 0, at: at)) ?? s
            }
            return (try? await store.updateSession(id: s.id, state: state, resumeAt: nil, resumePrompt: nil,
                                                   recurrence: s.recurrence, at: at)) ?? s
        }.value
    }
}
