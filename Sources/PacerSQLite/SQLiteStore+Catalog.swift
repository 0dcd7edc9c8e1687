import Foundation
import GRDB
import PacerCore
import PacerStore

/// The catalog tables: one row per thing, its PacerJSON text beside the columns queries need.
private enum CatalogTable: String {
    case agents, monitors, workflows

    var kind: String {
        switch self {
        case .agents: "agent"
        case .monitors: "monitor"
        case .workflows: "workflow"
        }
    }

    var event: Event.Kind {
        switch self {
        case .agents: .agentChanged
        case .monitors: .monitorChanged
        case .workflows: .workflowChanged
        }
    }
}

extension SQLiteStore {
    // MARK: Agents

    public func saveAgent(_ agent: Agent) async throws -> Agent {
        try agent.requireValid()
        return try await save(agent, id: agent.id, name: agent.name, in: .agents)
    }

    public func agent(id: String) async throws -> Agent? { try await fetch(Agent.self, id: id, in: .agents) }

    public func agent(named name: String) async throws -> Agent? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM agents WHERE name = ?", arguments: [name])
                .map { try SQLiteSchema.decode(Agent.self, $0) }
        }
    }

    public func agents() async throws -> [Agent] { try await fetchAll(Agent.self, in: .agents) }

    @discardableResult
    public func deleteAgent(id: String) async throws -> Bool { try await delete(id, in: .agents) }

    // MARK: Monitors

    public func saveMonitor(_ monitor: Monitor) async throws -> Monitor {
        try monitor.requireValid()
        return try await save(monitor, id: monitor.id, name: monitor.name, in: .monitors)
    }

    public func monitor(id: String) async throws -> Monitor? { try await fetch(Monitor.self, id: id, in: .monitors) }

    public func monitors() async throws -> [Monitor] { try await fetchAll(Monitor.self, in: .monitors) }

    @discardableResult
    public func deleteMonitor(id: String) async throws -> Bool { try await delete(id, in: .monitors) }

    // MARK: Workflows

    public func saveWorkflow(_ workflow: Workflow) async throws -> Workflow {
        try workflow.requireValid()
        return try await save(workflow, id: workflow.id, name: workflow.name, in: .workflows)
    }

    public func workflow(id: String) async throws -> Workflow? { try await fetch(Workflow.self, id: id, in: .workflows) }

    public func workflows() async throws -> [Workflow] { try await fetchAll(Workflow.self, in: .workflows) }

    @discardableResult
    public func deleteWorkflow(id: String) async throws -> Bool { try await delete(id, in: .workflows) }

    public func saveWorkflowRun(_ run: WorkflowRun) async throws -> WorkflowRun {
        let at = clock.now()
        return try await write { db in
            try db.execute(sql: """
                INSERT INTO workflow_runs (id, workflow_id, started_at, definition) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET workflow_id = excluded.workflow_id, started_at = excluded.started_at,
                    definition = excluded.definition
                """, arguments: [run.id, run.workflowID, SQLiteSchema.millis(run.startedAt), try SQLiteSchema.json(run)])
            try SQLiteSchema.log(.workflowRunChanged, run.id, at: at, db)
            return run
        }
    }

    public func workflowRun(id: String) async throws -> WorkflowRun? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM workflow_runs WHERE id = ?", arguments: [id])
                .map { try SQLiteSchema.decode(WorkflowRun.self, $0) }
        }
    }

    public func workflowRuns(workflowID: String, limit: Int) async throws -> [WorkflowRun] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT definition FROM workflow_runs WHERE workflow_id = ? ORDER BY started_at DESC, id DESC LIMIT ?
                """, arguments: [workflowID, max(0, limit)]).map { try SQLiteSchema.decode(WorkflowRun.self, $0) }
        }
    }

    // MARK: Helpers

    /// Inserts or replaces a validated thing by id; a name held by another id is refused.
    private func save<T: Codable & Sendable>(_ value: T, id: String, name: String, in table: CatalogTable) async throws -> T {
        let text = try SQLiteSchema.json(value)
        let at = clock.now()
        return try await write { db in
            do {
                try db.execute(sql: """
                    INSERT INTO \(table.rawValue) (id, name, definition) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, definition = excluded.definition
                    """, arguments: [id, name, text])
            } catch let error as DatabaseError where SQLiteSchema.isUnique(error, "\(table.rawValue).name") {
                throw StoreError.nameTaken(name)
            }
            try SQLiteSchema.log(table.event, id, at: at, db)
            return value
        }
    }

    private func fetch<T: Decodable & Sendable>(_ type: T.Type, id: String, in table: CatalogTable) async throws -> T? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM \(table.rawValue) WHERE id = ?", arguments: [id])
                .map { try SQLiteSchema.decode(type, $0) }
        }
    }

    private func fetchAll<T: Decodable & Sendable>(_ type: T.Type, in table: CatalogTable) async throws -> [T] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT definition FROM \(table.rawValue) ORDER BY name, id")
                .map { try SQLiteSchema.decode(type, $0) }
        }
    }

    private func delete(_ id: String, in table: CatalogTable) async throws -> Bool {
        let at = clock.now()
        return try await write { db in
            try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try SQLiteSchema.log(table.event, id, at: at, db)
            return true
        }
    }
}
