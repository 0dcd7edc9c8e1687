import Foundation
import PacerCore

/// Agent sessions, persisted as they run. Appends are atomic: a message, its tool calls,
/// events and usage land together or not at all.
public protocol SessionStore: Sendable {
    /// Inserts a new session.
    func createSession(_ session: Session) async throws -> Session

    /// The session with that id, or `nil`.
    func session(id: String) async throws -> Session?

    /// Sessions, newest first, optionally of one schedule (and one item key).
    func sessions(scheduleID: String?, itemKey: String?, limit: Int) async throws -> [Session]

    /// A page of sessions, newest first (creation instant, then id), filtered in the query.
    func sessions(_ query: SessionQuery) async throws -> [Session]

    /// The most recent session of a (schedule, item key) chain, for chaining.
    func latestSession(scheduleID: String, itemKey: String?) async throws -> Session?

    /// Atomically appends to a session's transcript, tool log and events and adds usage.
    /// - Returns: the session after the append.
    /// - Throws: ``StoreError/sessionNotFound(_:)``.
    func appendToSession(id: String, messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                         inputTokens: Int, outputTokens: Int, cost: Double, at: Date) async throws -> Session

    /// Sets a session's state and its resume / recurrence fields. A `cancelled` session stays
    /// cancelled (the change is ignored and the session returned as it is), so a run that
    /// finishes after a cancel cannot revive it; an `error` or `done` one changes only to
    /// `cancelled`, so a run that lost its lease cannot revive it either. The session's queued continuation (the run
    /// that will wake it) follows in the same transaction: a waiting session's is due at its
    /// new `resume_at`; an ended session's is cancelled.
    /// - Throws: ``StoreError/sessionNotFound(_:)``.
    func updateSession(id: String, state: Session.State, resumeAt: Date?, resumePrompt: String?,
                       recurrence: SessionRecurrence?, at: Date) async throws -> Session

    /// Moves a session to `state` (with its wake-up, prompt and recurrence) and appends
    /// `event`, in one transaction, only while it is in one of `from`: an operator's cancel or
    /// wake-up never overwrites a change the engine made meanwhile.
    /// - Returns: the session after, or `nil` when it was in another state (nothing written).
    /// - Throws: ``StoreError/sessionNotFound(_:)``.
    func transitionSession(id: String, from: Set<Session.State>, to state: Session.State, resumeAt: Date?,
                           resumePrompt: String?, recurrence: SessionRecurrence?, event: SessionEvent, at: Date) async throws -> Session?
}

/// Agents, monitors and workflows: saved whole, validated first, unique names.
public protocol CatalogStore: Sendable {
    /// Validates and inserts or replaces an agent (by id).
    /// - Throws: `ValidationError` (nothing written), ``StoreError/nameTaken(_:)``.
    func saveAgent(_ agent: Agent) async throws -> Agent
    func agent(id: String) async throws -> Agent?
    func agent(named name: String) async throws -> Agent?
    func agents() async throws -> [Agent]
    @discardableResult func deleteAgent(id: String) async throws -> Bool

    /// Validates and inserts or replaces a monitor (by id).
    func saveMonitor(_ monitor: Monitor) async throws -> Monitor
    func monitor(id: String) async throws -> Monitor?
    func monitors() async throws -> [Monitor]
    @discardableResult func deleteMonitor(id: String) async throws -> Bool

    /// Validates and inserts or replaces a workflow (by id).
    func saveWorkflow(_ workflow: Workflow) async throws -> Workflow
    func workflow(id: String) async throws -> Workflow?
    func workflows() async throws -> [Workflow]
    @discardableResult func deleteWorkflow(id: String) async throws -> Bool

    /// Inserts or replaces a workflow run (by id).
    func saveWorkflowRun(_ run: WorkflowRun) async throws -> WorkflowRun
    func workflowRun(id: String) async throws -> WorkflowRun?
    func workflowRuns(workflowID: String, limit: Int) async throws -> [WorkflowRun]
}
