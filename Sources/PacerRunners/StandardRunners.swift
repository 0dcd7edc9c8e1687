import AsyncHTTPClient
import PacerCore

/// Everything a server needs to execute runs, sharing one HTTP client: the HTTP and command
/// runners, the item reader and the deliverer, assembled as PacerCore's ``Runners``.
///
/// ```swift
/// let standard = StandardRunners(allowCommands: options.allowCommands)
/// let engine = Engine(store: store, runners: standard.runners, ...)
/// ...
/// try await standard.shutdown()   // after the engine has stopped
/// ```
public final class StandardRunners: Sendable {
    /// The one HTTP client.
    public let client: HTTPClient
    /// Runs `http` targets.
    public let http: HTTPRunner
    /// Runs `command` targets (or refuses them).
    public let command: CommandRunner
    /// Reads item sources.
    public let items: SourceItemReader
    /// Delivers results.
    public let deliverer: StandardDeliverer
    private let ownsClient: Bool

    /// - Parameters:
    ///   - allowCommands: whether the server was started with `--allow-commands` (command
    ///     targets and command item sources).
    ///   - environment: where secrets come from and what commands inherit.
    ///   - client: a client to share (the caller shuts it down); when `nil` one is made here
    ///     and ``shutdown()`` shuts it down.
    ///   - logDirectory: the directory log deliveries write under (`nil` refuses them).
    public init(allowCommands: Bool, environment: RunnerEnvironment = .process, client: HTTPClient? = nil,
                logDirectory: String? = nil) {
        let shared = client ?? HTTPClient.makePacerClient()
        self.client = shared
        self.ownsClient = client == nil
        http = HTTPRunner(configuration: .init(environment: environment), client: shared)
        command = CommandRunner(allowCommands: allowCommands, configuration: .init(environment: environment))
        items = SourceItemReader(allowCommands: allowCommands, configuration: .init(environment: environment), client: shared)
        deliverer = StandardDeliverer(configuration: .init(environment: environment, logDirectory: logDirectory), client: shared)
    }

    /// The runners of a server with this policy: commands as it allows, secrets only from
    /// the variables it lists, log files only under its log directory.
    /// - Parameters:
    ///   - policy: the server's settings.
    ///   - environment: the process's environment.
    ///   - client: a client to share.
    public convenience init(policy: ServerPolicy, environment: RunnerEnvironment = .process, client: HTTPClient? = nil) {
        self.init(allowCommands: policy.allowCommands, environment: environment.allowing(policy.allowedEnvironment),
                  client: client, logDirectory: policy.logDirectory)
    }

    /// The runners by target kind (`http`, `command`), the item reader and the deliverer.
    public var runners: Runners {
        Runners(byKind: [.http: http, .command: command], items: items, deliverer: deliverer)
    }

    /// Shuts down the HTTP client if it was made here; call once, after the last run.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }
}
