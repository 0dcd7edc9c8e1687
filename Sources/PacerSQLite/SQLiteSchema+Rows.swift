import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteSchema {
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try PacerJSON.decode(type, from: Data(text.utf8))
    }

    static func wire<T: RawRepresentable<String>>(_ type: T.Type, _ text: String) throws -> T {
        guard let value = T(rawValue: text) else { throw StoreError.corrupt("\(T.self) '\(text)'") }
        return value
    }

    static func run(_ row: Row) throws -> Run {
        let itemKey: String = row["item_key"]
        var run = Run(id: row["id"], scheduleID: row["schedule_id"], scheduledAt: date(row["scheduled_at"])!,
                      firesAt: date(row["fires_at"]), attempt: row["attempt"],
                      status: try wire(Run.Status.self, row["status"]), trigger: try wire(Run.Trigger.self, row["trigger"]),
                      itemKey: itemKey.isEmpty ? nil : itemKey)
        run.owner = row["owner"]
        run.startedAt = date(row["started_at"])
        run.finishedAt = date(row["finished_at"])
        run.heartbeatAt = date(row["heartbeat_at"])
        run.output = row["output"]
        run.error = row["error"]
        run.deliveryError = row["delivery_error"]
        run.sessionID = row["session_id"]
        run.step = row["step"]
        run.state = try (row["state"] as String?).map { try decode(JSONValue.self, $0) }
        return run
    }

    static func session(_ row: Row) throws -> Session {
        var s = Session(id: row["id"], agentID: row["agent_id"], scheduleID: row["schedule_id"], itemKey: row["item_key"],
                        previousSessionID: row["previous_session_id"], createdAt: date(row["created_at"])!)
        s.state = try wire(Session.State.self, row["state"])
        s.messages = try decode([Message].self, row["messages"])
        s.toolLog = try decode([ToolCall].self, row["tool_log"])
        s.events = try decode([SessionEvent].self, row["events"])
        s.inputTokens = row["input_tokens"]
        s.outputTokens = row["output_tokens"]
        s.cost = row["cost"]
        s.resumeAt = date(row["resume_at"])
        s.resumePrompt = row["resume_prompt"]
        s.recurrence = try (row["recurrence"] as String?).map { try decode(SessionRecurrence.self, $0) }
        s.updatedAt = date(row["updated_at"])!
        return s
    }

    /// Inserts a whole session row (a taken id violates the primary key).
    static func save(_ s: Session, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO sessions (id, agent_id, schedule_id, item_key, state, messages, tool_log, events,
                input_tokens, output_tokens, cost, previous_session_id, resume_at, resume_prompt, recurrence,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [s.id, s.agentID, s.scheduleID, s.itemKey, s.state.rawValue, try json(s.messages),
                        try json(s.toolLog), try json(s.events), s.inputTokens, s.outputTokens, s.cost,
                        s.previousSessionID, s.resumeAt.map(millis), s.resumePrompt, try s.recurrence.map(json),
                        millis(s.createdAt), millis(s.updatedAt)])
    }

    /// Appends one row to the change feed, inside the caller's transaction.
    static func log(_ kind: Event.Kind, _ entityID: String, at: Date, _ db: Database) throws {
        try db.executeCached("INSERT INTO events (kind, entity_id, at) VALUES (?, ?, ?)",
                             [kind.rawValue, entityID, millis(at)])
    }

    /// Whether an error is the violation of a UNIQUE constraint on `table.column`.
    static func isUnique(_ error: DatabaseError, _ column: String) -> Bool {
        (error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
            && (error.message ?? "").contains(column)
    }
}
