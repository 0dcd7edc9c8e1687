import PostgresNIO

/// What a store call's failure says, for logs and `/healthz`. PostgresNIO hides a server
/// error's details behind a generic description; this names the client-side code, the
/// SQLSTATE and the server's message (never the query or its values), so an outage reads as
/// `connectionClosed` or `57P01 terminating connection due to administrator command`.
public enum StoreFailure {
    public static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        var parts = ["postgres \(e.code)"]
        if let state = e.serverInfo?[.sqlState] { parts.append("SQLSTATE \(state)") }
        if let message = e.serverInfo?[.message] { parts.append(message) }
        if let underlying = e.underlying { parts.append("(\(underlying))") }
        return parts.joined(separator: ": ")
    }
}
