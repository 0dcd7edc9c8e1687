import Foundation

/// What agent sessions need from the store: agents, sessions, and the schedules an agent may
/// manage through its built-in tools. PacerStore's `Store` refines it, so the agent loop and
/// its tools reach the one source of truth without depending on the store's implementation.
public protocol AgentStore: Sendable {
    /// The agent with that id, or `nil`.
    func agent(id: String) async throws -> Agent?
    /// The agent with that name, or `nil`.
    func agent(named name: String) async throws -> Agent?

    /// Inserts a new session.
    func createSession(_ session: Session) async throws -> Session
    /// The session with that id, or `nil`.
    func session(id: String) async throws -> Session?
    /// The most recent session of a (schedule, item key) chain.
    func latestSession(scheduleID: String, itemKey: String?) async throws -> Session?
    /// Atomically appends to a session's transcript, tool log and events and adds usage.
    func appendToSession(id: String, messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                         inputTokens: Int, outputTokens: Int, cost: Double, at: Date) async throws -> Session
    /// Sets a session's state and its resume / recurrence fields.
    func updateSession(id: String, state: Session.State, resumeAt: Date?, resumePrompt: String?,
                       recurrence: SessionRecurrence?, at: Date) async throws -> Session

    /// Validates and inserts a schedule.
    func createSchedule(_ schedule: Schedule, author: String) async throws -> Schedule
    /// Validates and replaces a schedule's definition as a new revision.
    func updateSchedule(_ schedule: Schedule, author: String) async throws -> Schedule
    /// The schedule with that id, or `nil`.
    func schedule(id: String) async throws -> Schedule?
    /// Every schedule, ordered by name.
    /// The schedules with that fingerprint (``Schedule/fingerprint``), by an index.
    func schedules(fingerprint: String) async throws -> [Schedule]
    func schedules() async throws -> [Schedule]
    /// Deletes a schedule; whether there was one.
    @discardableResult func deleteSchedule(id: String) async throws -> Bool
    /// The runtime state of a schedule.
    func state(scheduleID: String) async throws -> ScheduleState?
    /// Pauses (with a reason) or resumes (`nil`) a schedule.
    func setPaused(scheduleID: String, reason: String?) async throws
    /// Runs of a schedule, newest first.
    func runs(scheduleID: String, limit: Int) async throws -> [Run]
}
