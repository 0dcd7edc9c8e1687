import Foundation
import PacerCore

/// A tool an agent may call: built in (self-pacing, schedule management) or, later, from an
/// MCP server.
public protocol AgentTool: Sendable {
    /// Name, description and argument schema, as offered to the model.
    var spec: ToolSpec { get }
    /// Whether this call is dangerous (runs commands, mutates over HTTP, deletes schedules):
    /// an unattended session may make it only when the agent's approval mode allows it.
    /// - Parameter arguments: the parsed arguments.
    func isDangerous(_ arguments: JSONValue) -> Bool
    /// Carries out one call. Never throws: a failure is an error result the model can read.
    /// - Parameters:
    ///   - arguments: the parsed arguments (a JSON object).
    ///   - context: the session, its agent and schedule, the caps and the store.
    func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput
}

/// What a tool call sees.
public struct ToolContext: Sendable {
    /// The session as it is before this call.
    public var session: Session
    /// Its agent.
    public var agent: Agent
    /// The schedule that started it, if any.
    public var schedule: Schedule?
    /// The caps in force (schedule overrides over server defaults).
    public var caps: Caps
    /// The instant of the call (from the injected clock).
    public var now: Date
    /// The store.
    public var store: any AgentStore
    /// The server's settings: schedules the agent writes are checked against them.
    public var policy: ServerPolicy

    /// - Parameters:
    ///   - session: the session.
    ///   - agent: its agent.
    ///   - schedule: its schedule.
    ///   - caps: resolved caps.
    ///   - now: the instant.
    ///   - store: the store.
    ///   - policy: the server's settings.
    public init(session: Session, agent: Agent, schedule: Schedule?, caps: Caps, now: Date, store: any AgentStore,
                policy: ServerPolicy = .closed) {
        self.policy = policy
        self.session = session
        self.agent = agent
        self.schedule = schedule
        self.caps = caps
        self.now = now
        self.store = store
    }

    /// The owner recorded on schedules this agent creates.
    public var agentOwner: String { "agent:\(agent.name)" }
}

/// What a tool returned: the JSON the model reads, and what it changes in the session.
public struct ToolOutput: Sendable, Hashable {
    /// The result the model reads.
    public var result: JSONValue
    /// Whether the call failed.
    public var isError: Bool
    /// A change to the session's course (defer, recur, end on a cap).
    public var effect: ToolEffect?

    /// - Parameters:
    ///   - result: the result.
    ///   - isError: whether it failed.
    ///   - effect: the session change.
    public init(result: JSONValue, isError: Bool = false, effect: ToolEffect? = nil) {
        self.result = result
        self.isError = isError
        self.effect = effect
    }

    /// `{"ok": false, "error": message, ...extra}`.
    /// - Parameters:
    ///   - message: what went wrong.
    ///   - extra: more members (`field`, `cap`, ...).
    public static func failure(_ message: String, _ extra: [String: JSONValue] = [:]) -> ToolOutput {
        var object: [String: JSONValue] = ["ok": false, "error": .string(message)]
        object.merge(extra) { _, new in new }
        return ToolOutput(result: .object(object), isError: true)
    }

    /// `{"ok": true, ...members}`.
    /// - Parameter members: the result's members.
    public static func success(_ members: [String: JSONValue] = [:]) -> ToolOutput {
        var object: [String: JSONValue] = ["ok": true]
        object.merge(members) { _, new in new }
        return ToolOutput(result: .object(object))
    }
}

/// How a tool changes the session's course once the current run ends.
public enum ToolEffect: Sendable, Hashable {
    /// Wait until the instant, then continue with the prompt as a user turn.
    case resume(at: Date, prompt: String)
    /// Wake up on a fixed cadence.
    case recurring(SessionRecurrence)
    /// A cap was reached: the session ends in `error`.
    case capExceeded(CapBreach)
}
