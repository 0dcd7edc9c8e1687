import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// How Pacer's HTTP clients behave: a connection that cannot be made fails the request at
    /// once ("connection refused") instead of being retried inside the client for up to the
    /// connect timeout, since retrying is the schedule's retry policy's decision; connect
    /// timeout 10 s; redirects not followed by the client: ``HTTPExchange`` follows them itself
    /// so that secret headers never leave their origin (the client forwards any header but a
    /// few standard ones to wherever a redirect points).
    public static var pacer: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

extension HTTPClient {
    /// A new client with ``HTTPClient/Configuration/pacer`` on the shared event loops; its
    /// owner must `shutdown()` it.
    public static func makePacerClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .pacer)
    }
}
