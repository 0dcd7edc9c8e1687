import Foundation

/// Why talking to an MCP server failed. The code is a stable label; the message says what
/// happened in words a model (and a person reading the tool log) can act on.
public struct MCPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: String, Sendable, Hashable {
        /// The server could not be started or reached, or did not complete the handshake.
        case unavailable
        /// The server stopped (the process exited, the HTTP session ended).
        case stopped
        /// No answer within the server's timeout.
        case timeout
        /// The server answered with a JSON-RPC error.
        case protocolError = "protocol_error"
        /// The hub is shut down.
        case shutDown = "shut_down"
        /// The run making the request was stopped.
        case cancelled
    }

    let code: Code
    /// What happened.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A stable label for metrics and logs: `unavailable`, `stopped`, `timeout`,
    /// `protocol_error`, `shut_down`, `cancelled`.
    public var kind: String { code.rawValue }

    /// Whether the connection is gone: the next use opens a new one.
    public var isStopped: Bool { code == .stopped }

    public var description: String { message }

    /// The server could not be started or reached.
    /// - Parameters:
    ///   - server: its name.
    ///   - reason: why.
    static func unavailable(_ server: String, _ reason: String) -> MCPFailure {
        MCPFailure(.unavailable, "MCP server '\(server)' is not available: \(reason)")
    }

    /// The server stopped; `reason` is the exit status, the signal, or what the transport saw.
    /// - Parameters:
    ///   - server: its name.
    ///   - reason: how it stopped.
    static func stopped(_ server: String, _ reason: String) -> MCPFailure {
        MCPFailure(.stopped, "MCP server '\(server)' stopped (\(reason)); it will be restarted on the next call")
    }

    /// No answer in time.
    /// - Parameters:
    ///   - server: its name.
    ///   - what: what was asked (`tools/call get_current_time`).
    ///   - seconds: the timeout.
    static func timeout(_ server: String, _ what: String, seconds: Double) -> MCPFailure {
        MCPFailure(.timeout, "MCP server '\(server)' did not answer \(what) within \(seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)) s")
    }

    /// The server answered with an error.
    /// - Parameters:
    ///   - server: its name.
    ///   - what: what was asked.
    ///   - detail: the error.
    static func protocolError(_ server: String, _ what: String, _ detail: String) -> MCPFailure {
        MCPFailure(.protocolError, "MCP server '\(server)' answered \(what) with an error: \(detail)")
    }

    /// The run making the request was stopped (its timeout, a drain).
    /// - Parameters:
    ///   - server: its name.
    ///   - what: what was asked.
    static func cancelled(_ server: String, _ what: String) -> MCPFailure {
        MCPFailure(.cancelled, "the call to MCP server '\(server)' (\(what)) was cancelled: the run was stopped")
    }

    /// The hub was shut down.
    /// - Parameter server: the server asked for.
    static func shutDown(_ server: String) -> MCPFailure {
        MCPFailure(.shutDown, "MCP server '\(server)' is not available: Pacer is shutting down")
    }
}

/// The transport of a connection ended (end of the child's output, a dropped HTTP session);
/// the message says how.
struct MCPTransportClosed: Error, Sendable, CustomStringConvertible {
    /// What the transport saw.
    var reason: String
    var description: String { reason }
}
