import PacerStore
import PostgresNIO

/// PostgresNIO hides a server error's details; this names the client-side code, the SQLSTATE
/// and the server's message (never the query or its values).
extension PSQLError: DescribedStoreFailure {
    public var storeFailureDescription: String {
        var parts = ["postgres \(code)"]
        if let state = serverInfo?[.sqlState] { parts.append("SQLSTATE \(state)") }
        if let message = serverInfo?[.message] { parts.append(message) }
        if let underlying { parts.append("(\(underlying))") }
        return parts.joined(separator: ": ")
    }
}
