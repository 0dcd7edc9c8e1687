import PacerStore
import PostgresNIO

extension PostgresStore: StoreDiagnostics {
    public func prepareRawTransactions() async throws {
        _ = try await read("CREATE TABLE IF NOT EXISTS pacer_bench (id integer PRIMARY KEY, n bigint NOT NULL)")
        _ = try await read("INSERT INTO pacer_bench (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
    }

    public func rawTransaction() async throws {
        // One statement outside an explicit transaction: PostgreSQL commits it on its own.
        _ = try await read("UPDATE pacer_bench SET n = n + 1 WHERE id = 1")
    }
}
