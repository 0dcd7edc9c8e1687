import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func saveAgent(_ agent: Agent) async throws -> Agent {
        try agent.requireValid()
        return try await saveDocument(agent, table: "agents", id: agent.id, name: agent.name, kind: .agentChanged)
    }

    public func agent(id: String) async throws -> Agent? {
        try await document(Agent.self, "SELECT document FROM agents WHERE id = \(id)").first
    }

    public func agent(named name: String) async throws -> Agent? {
        try await document(Agent.self, "SELECT document FROM agents WHERE name = \(name)").first
    }

    public func agents() async throws -> [Agent] {
        try await document(Agent.self, "SELECT document FROM agents ORDER BY name, id")
    }

    @discardableResult
    public func deleteAgent(id: String) async throws -> Bool {
        try await deleteDocument(table: "agents", id: id, kind: .agentChanged)
    }

    public func saveMonitor(_ monitor: Monitor) async throws -> Monitor {
        try monitor.requireValid()
        return try await saveDocument(monitor, table: "monitors", id: monitor.id, name: monitor.name, kind: .monitorChanged)
    }

    public func monitor(id: String) async throws -> Monitor? {
        try await document(Monitor.self, "SELECT document FROM monitors WHERE id = \(id)").first
    }

    public func monitors() async throws -> [Monitor] {
        try await document(Monitor.self, "SELECT document FROM monitors ORDER BY name, id")
    }

    @discardableResult
    public func deleteMonitor(id: String) async throws -> Bool {
        try await deleteDocument(table: "monitors", id: id, kind: .monitorChanged)
    }

    public func saveWorkflow(_ workflow: Workflow) async throws -> Workflow {
        try workflow.requireValid()
        return try await saveDocument(workflow, table: "workflows", id: workflow.id, name: workflow.name, kind: .workflowChanged)
    }

    public func workflow(id: String) async throws -> Workflow? {
        try await document(Workflow.self, "SELECT document FROM workflows WHERE id = \(id)").first
    }

    public func workflows() async throws -> [Workflow] {
        try await document(Workflow.self, "SELECT document FROM workflows ORDER BY name, id")
    }

    @discardableResult
    public func deleteWorkflow(id: String) async throws -> Bool {
        try await deleteDocument(table: "workflows", id: id, kind: .workflowChanged)
    }

    public func saveWorkflowRun(_ run: WorkflowRun) async throws -> WorkflowRun {
        let document = try PostgresSchema.json(run)
        let at = clock.now()
        return try await write { c in
            try await c.query("""
                INSERT INTO workflow_runs (id, workflow_id, started_at, document)
                VALUES (\(run.id), \(run.workflowID), \(PostgresSchema.millis(run.startedAt)), \(document))
                ON CONFLICT (id) DO UPDATE SET workflow_id = excluded.workflow_id, started_at = excluded.started_at,
                    document = excluded.document
                """, logger: self.logger)
            try await self.record([(.workflowRunChanged, run.id)], at: at, c)
            return run
        }
    }

    public func workflowRun(id: String) async throws -> WorkflowRun? {
        try await document(WorkflowRun.self, "SELECT document FROM workflow_runs WHERE id = \(id)").first
    }

    public func workflowRuns(workflowID: String, limit: Int) async throws -> [WorkflowRun] {
        try await document(WorkflowRun.self, """
            SELECT document FROM workflow_runs WHERE workflow_id = \(workflowID)
            ORDER BY started_at DESC, id DESC LIMIT \(Int64(max(0, limit)))
            """)
    }

    // MARK: Helpers

    func document<T: Decodable>(_ type: T.Type, _ query: PostgresQuery) async throws -> [T] {
        try await read(query).map { try PostgresSchema.decode(T.self, try $0.decode(String.self)) }
    }

    /// Inserts or replaces a named document by id; a name held by another id is
    /// ``StoreError/nameTaken(_:)``.
    func saveDocument<T: Encodable & Sendable>(_ value: T, table: String, id: String, name: String,
                                               kind: Event.Kind) async throws -> T {
        let document = try PostgresSchema.json(value)
        let at = clock.now()
        return try await write { c in
            do {
                try await c.query("""
                    INSERT INTO \(unescaped: table) (id, name, document) VALUES (\(id), \(name), \(document))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document
                    """, logger: self.logger)
            } catch where Self.sqlState(error)?.constraint == "\(table)_name_key" {
                throw StoreError.nameTaken(name)
            }
            try await self.record([(kind, id)], at: at, c)
            return value
        }
    }

    func deleteDocument(table: String, id: String, kind: Event.Kind) async throws -> Bool {
        let at = clock.now()
        return try await write { c in
            let deleted = try await c.query("DELETE FROM \(unescaped: table) WHERE id = \(id) RETURNING id",
                                            logger: self.logger).collect()
            if deleted.isEmpty { return false }
            try await self.record([(kind, id)], at: at, c)
            return true
        }
    }
}
