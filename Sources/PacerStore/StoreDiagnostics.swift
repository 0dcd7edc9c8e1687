/// Measurement hooks for benchmarks: the cheapest durable write the database can do, so a
/// store's claim rate can be shown beside its database's raw commit rate.
public protocol StoreDiagnostics: Sendable {
    /// Creates the one-row table that ``rawTransaction()`` updates (outside the migrations:
    /// it exists only in databases a benchmark has used).
    func prepareRawTransactions() async throws

    /// One single-statement write transaction (`UPDATE ... SET n = n + 1` on one row),
    /// committed as durably as every store write.
    func rawTransaction() async throws
}
