import AsyncHTTPClient
import Foundation
import Logging
import PacerAgents
import PacerCore

/// Runs `agent` targets: each fire starts an agent session (chained to the previous one of
/// its schedule and item), and each `resume` run continues the waiting session it names. The
/// final assistant text is the run's result, for the schedule's delivery.
public struct AgentRunner: Runner {
    /// Starts and continues sessions.
    public let sessions: AgentSessions

    /// - Parameter sessions: the session driver.
    public init(sessions: AgentSessions) {
        self.sessions = sessions
    }

    /// - Parameters:
    ///   - store: the store (agents, sessions, schedules).
    ///   - client: the shared HTTP client for model calls.
    ///   - environment: where API keys are read, at each session.
    ///   - defaultCaps: the server's caps, under each schedule's own.
    ///   - providerOptions: request timeout and retries of model calls.
    ///   - deliverer: tells per-item notify hooks that a session started.
    ///   - linkBase: the server's base URL for back-links (`<base>/sessions/<id>`).
    ///   - mcpHub: the configured MCP servers; their tools are offered to the agents naming them.
    ///   - clock: the clock.
    ///   - linkRun: records the session on its run as soon as it exists.
    ///   - policy: the server's settings (schedules agents write are checked against them).
    public init(store: any AgentStore, client: HTTPClient, environment: RunnerEnvironment = .process,
                defaultCaps: Caps = .serverDefaults, providerOptions: ProviderOptions = ProviderOptions(),
                deliverer: (any Deliverer)? = nil, linkBase: String? = nil, mcpHub: MCPHub? = nil,
                clock: any WallClock = SystemClock(),
                linkRun: @escaping @Sendable (_ runID: String, _ sessionID: String) async -> Void = { _, _ in },
                policy: ServerPolicy = .closed) {
        let notifier = SessionNotifier(deliverer: deliverer, linkBase: linkBase)
        sessions = AgentSessions(
            store: store,
            makeProvider: { agent in
                // The key is read only when the server allows its variable, towards this base URL.
                var key: [String: String] = [:]
                if let name = agent.apiKeyEnv {
                    try environment.requireAllowed(name, for: "api_key_env of agent \(agent.name)", sentTo: agent.baseURL)
                    key[name] = environment.values[name]
                }
                return try ModelProviders.make(for: agent, environment: key, client: client, options: providerOptions)
            },
            defaultCaps: defaultCaps, clock: clock,
            extraTools: { agent in await mcpHub?.tools(for: agent) ?? [] },
            onStart: { session, request in
                await linkRun(request.run.id, session.id)
                await notifier.started(session, request)
            }, policy: policy)
    }

    public func run(_ request: RunRequest) async -> RunOutcome {
        await sessions.run(request)
    }
}

/// Tells a per-item schedule's notify hook that a session started for one of its items,
/// with a back-link to the session.
struct SessionNotifier: Sendable {
    let deliverer: (any Deliverer)?
    let linkBase: String?

    func started(_ session: Session, _ request: RunRequest) async {
        guard let deliverer, let notify = request.schedule.dispatch.notify, request.run.itemKey != nil,
              request.run.trigger != .resume else { return }
        var running = request.run
        running.status = .running
        running.sessionID = session.id
        var report = RunReport(schedule: request.schedule, run: running)
        report.output = "session \(session.id) started"
        if let linkBase { report.link = linkBase.trimmingSuffix("/") + "/sessions/" + session.id }
        do {
            try await deliverer.deliver(report, to: notify)
        } catch {
            Logger(label: "pacer.agents").warning("per-item notify failed", metadata: [
                "run": "\(request.run.id)", "error": "\(error)"])
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var s = self
        while s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        return s
    }
}
