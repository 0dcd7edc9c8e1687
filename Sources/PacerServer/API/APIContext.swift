import Foundation
import Hummingbird
import PacerCore

/// The request context of Pacer's HTTP server: Hummingbird's core plus the caller.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the auth middleware for `/v1` requests.
    public var caller: Caller?

    public init(source: Source) {
        coreContext = .init(source: source)
        caller = nil
    }

    /// The largest request body accepted.
    public var maxUploadSize: Int { APILimits.maxBodyBytes }
}

/// Limits of the API.
public enum APILimits {
    /// The largest request body, 1 MiB.
    public static let maxBodyBytes = 1 << 20
    /// The most items a list returns.
    public static let maxListLimit = 1000
}
