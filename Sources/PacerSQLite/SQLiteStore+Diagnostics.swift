import PacerStore
import GRDB

extension SQLiteStore: StoreDiagnostics {
    public func prepareRawTransactions() async throws {
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS pacer_bench (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try db.execute(sql: "INSERT OR IGNORE INTO pacer_bench (id, n) VALUES (1, 0)")
        }
    }

    public func rawTransaction() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE pacer_bench SET n = n + 1 WHERE id = 1")
        }
    }
}
