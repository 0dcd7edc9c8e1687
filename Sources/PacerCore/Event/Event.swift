import Foundation

/// A change in the store, published to the engine, `/v1/events` and the dashboard.
public struct Event: Sendable, Hashable, Codable {
    /// What changed.
    public enum Kind: String, WireEnum {
        case scheduleCreated = "schedule_created", scheduleUpdated = "schedule_updated"
        case scheduleDeleted = "schedule_deleted", scheduleStateChanged = "schedule_state_changed"
        case runQueued = "run_queued", runStarted = "run_started", runFinished = "run_finished"
        case sessionChanged = "session_changed"
        case agentChanged = "agent_changed", monitorChanged = "monitor_changed"
        case workflowChanged = "workflow_changed", workflowRunChanged = "workflow_run_changed"
        public static let wireName = "event kind"
    }

    /// What changed.
    public var kind: Kind
    /// The id of the thing that changed.
    public var entityID: String
    /// When.
    public var at: Date

    enum CodingKeys: String, CodingKey { case kind, entityID = "entity_id", at }

    /// - Parameters:
    ///   - kind: what changed.
    ///   - entityID: the thing's id.
    ///   - at: when.
    public init(kind: Kind, entityID: String, at: Date) {
        self.kind = kind
        self.entityID = entityID
        self.at = at
    }
}
