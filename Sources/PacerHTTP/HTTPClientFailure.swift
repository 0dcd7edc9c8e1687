import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong while talking HTTP, read from the typed errors of AsyncHTTPClient and NIO
/// (never from their descriptions, which carry internal structure). The HTTP runner, the
/// deliveries and the model providers word their messages from it.
public enum HTTPClientFailure: Sendable, Hashable {
    /// No connection was made; the words say why ("connection refused", "the host name could
    /// not be resolved", ...).
    case unreachable(String)
    /// The request's deadline passed before the answer was read.
    case deadlineExceeded
    /// The request was cancelled.
    case cancelled
    /// The server closed the connection before answering.
    case closedEarly
    /// Redirects went on too long or in a circle.
    case tooManyRedirects
    /// The request itself cannot be sent (a malformed URL or header): a retry repeats it.
    case invalidRequest(String)
    /// Any other client error, in lower-case words.
    case other(String)

    /// Whether retrying the same request cannot help.
    public var isPermanent: Bool {
        if case .invalidRequest = self { return true }
        return false
    }

    /// Classifies an error thrown by `HTTPClient` or by a NIO channel under it.
    /// - Parameter error: the error.
    public init(_ error: any Error) {
        if let client = error as? HTTPClientError {
            self = Self.classify(client)
        } else if error is CancellationError {
            self = .cancelled
        } else {
            // Anything else the client throws comes from making the connection.
            self = .unreachable(Self.connectionReason(error) ?? String(describing: error))
        }
    }

    /// The client's own errors: timeouts, early closes, redirects and malformed requests.
    private static func classify(_ error: HTTPClientError) -> Self {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout: return .deadlineExceeded
        case .cancelled: return .cancelled
        case .connectTimeout: return .unreachable("connect timeout")
        case .remoteConnectionClosed: return .closedEarly
        case .redirectLimitReached, .redirectCycleDetected: return .tooManyRedirects
        case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath, .traceRequestWithBody:
            return .invalidRequest(error.shortDescription.lowercased())
        default:
            // The cases that carry a value (a scheme, header names) compare by their kind.
            let short = error.shortDescription
            if ["Unsupported scheme", "Invalid header field names", "Invalid header field values"].contains(short) {
                return .invalidRequest(short.lowercased())
            }
            return .other(short.lowercased())
        }
    }

    /// Why a connection attempt failed, when `error` is one: NIO's connection error (DNS, then
    /// each attempt), a system call's errno, a failed lookup or a connect timeout.
    /// - Parameter error: the error.
    static func connectionReason(_ error: any Error) -> String? {
        switch error {
        case let error as NIOConnectionError:
            if let attempt = error.connectionErrors.first {
                return connectionReason(attempt.error) ?? String(describing: attempt.error)
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return hostUnknown }
            return "no address to connect to"
        case let error as IOError:
            return words(errno: error.errnoCode) ?? error.description
        case is SocketAddressError.UnknownHost:
            return hostUnknown
        case let error as ChannelError:
            if case .connectTimeout = error { return "connection timed out" }
            return nil
        default:
            return nil
        }
    }

    private static let hostUnknown = "the host name could not be resolved"

    /// The common connection errnos in a few words.
    static func words(errno code: CInt) -> String? {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "connection reset by peer"
        case ENETUNREACH: "network is unreachable"
        case EHOSTUNREACH: "no route to host"
        case ETIMEDOUT: "connection timed out"
        default: nil
        }
    }
}
