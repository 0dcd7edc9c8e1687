import Foundation

/// How an HTTP client's failures read in Pacer's messages, shared by the HTTP runner and the
/// model providers.
public enum ConnectionFailure {
    /// Client errors about the request itself (AsyncHTTPClient's `shortDescription`), which a
    /// retry repeats.
    public static let requestProblems: Set<String> = [
        "Invalid URL", "Empty host", "Empty scheme", "Missing socket path", "Unsupported scheme",
        "Invalid header field names", "Invalid header field values", "Trace request with body",
    ]

    /// The system's reason for a connection error, in a few words when it is a common one
    /// (the NIO errors' own descriptions carry their internal structure).
    /// - Parameter error: the error of a connection attempt.
    public static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        let known: [(String, String)] = [
            ("Connection refused", "connection refused"),
            ("Connection reset by peer", "connection reset by peer"),
            ("Network is unreachable", "network is unreachable"),
            ("No route to host", "no route to host"),
            ("Connection timed out", "connection timed out"),
            ("Name or service not known", "the host name could not be resolved"),
            ("nodename nor servname", "the host name could not be resolved"),
            ("Temporary failure in name resolution", "the host name could not be resolved"),
        ]
        for (needle, words) in known where text.contains(needle) { return words }
        if text.contains("dnsAError: Optional") || text.contains("dnsAAAAError: Optional") {
            return "the host name could not be resolved"
        }
        return text
    }
}
