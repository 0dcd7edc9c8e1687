import PostgresNIO

extension PostgresStore: StoreDiagnostics {
    public func prepareRawTransactions() async throws {
        try await client.query("CREATE TABLE IF NOT EXISTS pacer_bench (id integer PRIMARY KEY, n bigint NOT NULL)", logger: logger)
        try await client.query("INSERT INTO pacer_bench (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING", logger: logger)
    }

    public func rawTransaction() async throws {
        // One statement outside an explicit transaction: PostgreSQL commits it on its own.
        try await client.query("UPDATE pacer_bench SET n = n + 1 WHERE id = 1", logger: logger)
    }
}
