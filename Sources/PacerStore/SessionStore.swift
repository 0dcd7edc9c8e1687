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

    /// The most recent session of a (schedule, item key) chain, for chaining.
    func latestSession(scheduleID: String, itemKey: String?) async throws -> Session?

    /// Atomically appends to a session's transcript, tool log and events and adds usage.
    /// - Returns: the session after the append.
    /// - Throws: ``StoreError/sessionNotFound(_:)``.
    func appendToSession(id: String, messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                         inputTokens: Int, outputTokens: Int, cost: Double, at: Date) async throws -> Session

    /// Sets a session's state and its resume / recurrence fields. A `cancelled` session stays
    /// cancelled (the change is ignored and the session returned as it is), so a run that
    /// finishes after a cancel cannot revive it.
    /// - Throws: ``StoreError/sessionNotFound(_:)``.
    func updateSession(id: String, state: Session.State, resumeAt: Date?, resumePrompt: String?,
                       recurrence: SessionRecurrence?, at: Date) async throws -> Session

    /// In one transaction: moves up to `limit` `waiting` sessions whose `resume_at` is at or
    /// before `now` to `running` and returns them, so exactly one process resumes each.
    func claimWaitingSessions(now: Date, limit: Int) async throws -> [Session]

    /// Wakes due sessions through ordinary runs, so concurrency limits, leases, heartbeats and
    /// crash recovery apply to a resumed session as to any run. In one transaction, for up to
    /// `limit` `waiting` sessions whose `resume_at` is at or before `now` (earliest first, then
    /// by id):
    /// - a session of an existing schedule becomes `pending` and gets a `queued` run of that
    ///   schedule (trigger ``PacerCore/Run/Trigger/resume``, attempt 1, scheduled and due at the
    ///   session's `resume_at`, its item key, `session_id` set, no owner); when another run holds
    ///   that unique key, the instant moves on by 1 ms until it is free;
    /// - a session without a schedule, or whose schedule was deleted, becomes `cancelled` (a
    ///   `state_changed` event says why) and gets no run.
    ///
    /// Concurrent callers, in any process, never wake one session twice.
    /// - Parameters:
    ///   - now: the instant sessions must be due by.
    ///   - limit: most sessions to wake.
    /// - Returns: the runs queued, in wake order.
    func wakeSessions(now: Date, limit: Int) async throws -> [Run]

    /// The earliest `resume_at` among waiting sessions (for the engine's heap), or `nil`.
    func nextSessionWakeUp() async throws -> Date?
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
