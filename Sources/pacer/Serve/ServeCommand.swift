import ArgumentParser
import ChildProcess
import Foundation
import Logging
import PacerAgents
import PacerCore
import PacerEngine
import PacerRunners
import PacerServer
import PacerStore
import PacerStoreURL
import ServiceLifecycle
import UnixSignals

/// `pacer serve`: the daemon. It opens the store, applies `--config`, and runs the engine and
/// the HTTP server (health, metrics) in one service group that drains on SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scheduler: fire schedules on time and serve /healthz and /metrics.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Host to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8750

    @Option(name: .long, help: "Most runs executing at once; further due fires wait, earliest first.")
    var maxConcurrent = 4

    @Option(name: .long, help: ArgumentHelp("Schedules as code, applied on every start.", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Allow what runs programs: command targets, command item sources, poll_command checks (admins only).")
    var allowCommands = false

    @Option(name: .long, help: ArgumentHelp(
        "An environment variable definitions may name (headers_from_env, api_key_env, ...): NAME, or NAME=URL_PREFIX to allow sending it only there. Repeatable; nothing is allowed otherwise.",
        valueName: "name"))
    var allowEnv: [String] = []

    @Option(name: .long, help: ArgumentHelp("The directory log deliveries may write files under (none by default: log deliveries are refused).", valueName: "dir"))
    var logDir: String?

    @Option(name: .long, help: ArgumentHelp("A web origin allowed to call the API and /mcp from a browser, e.g. https://ops.example.com (repeatable).", valueName: "origin"))
    var allowedOrigin: [String] = []

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat = "text"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(name: .long, help: "Seconds without a heartbeat after which a run is abandoned.")
    var leaseTimeout: Double = 60

    @Option(name: .long, help: "Seconds running runs get to finish on shutdown before they are cancelled.")
    var drainTimeout: Double = 30

    @Option(name: .long, help: "Days finished runs and sessions are kept.")
    var retentionDays: Double = 30

    @Option(name: .long, help: "Schedule definitions kept in memory; the rest are read when a run starts.")
    var definitionCache = 16_384

    @Option(name: .long, help: "Default cap: most wake-ups of one agent session (a schedule's caps override it).")
    var maxResumes = Caps.serverDefaults.maxResumes!

    @Option(name: .long, help: "Default cap: longest life of an agent session, in hours.")
    var maxLifetimeHours = Caps.serverDefaults.maxLifetimeHours!

    @Option(name: .long, help: "Default cap: most input plus output tokens of an agent session.")
    var maxTotalTokens = Caps.serverDefaults.maxTotalTokens!

    @Option(name: .long, help: "Default cap: highest cost of an agent session, in the agents' price unit.")
    var maxCost = Caps.serverDefaults.maxCost!

    @Option(name: .long, help: "Seconds a model call may take before it is abandoned (and retried).")
    var modelTimeout: Double = 120

    @Option(name: .long, help: ArgumentHelp("Base URL of this server in back-links sent to per-item notify hooks (default: http://HOST:PORT).", valueName: "url"))
    var publicURL: String?

    func validate() throws {
        guard (1...10_000).contains(maxConcurrent) else {
            throw ValidationError("--max-concurrent: \(maxConcurrent) must be between 1 and 10000")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port: \(port) must be between 0 and 65535") }
        guard ["text", "json"].contains(logFormat) else {
            throw ValidationError("--log-format: '\(logFormat)' must be text or json")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: '\(logLevel)' is not a level (trace, debug, info, notice, warning, error, critical)")
        }
        guard leaseTimeout >= 1, leaseTimeout <= 86_400 else {
            throw ValidationError("--lease-timeout: \(leaseTimeout) must be between 1 and 86400 seconds")
        }
        guard drainTimeout >= 0, drainTimeout <= 86_400 else {
            throw ValidationError("--drain-timeout: \(drainTimeout) must be between 0 and 86400 seconds")
        }
        guard (0...10_000_000).contains(definitionCache) else {
            throw ValidationError("--definition-cache: \(definitionCache) must be between 0 and 10000000")
        }
        guard retentionDays > 0, retentionDays <= 36_500 else {
            throw ValidationError("--retention-days: \(retentionDays) must be more than 0")
        }
        guard maxResumes >= 1 else { throw ValidationError("--max-resumes: \(maxResumes) must be at least 1") }
        guard maxLifetimeHours.isFinite, maxLifetimeHours > 0 else {
            throw ValidationError("--max-lifetime-hours: \(maxLifetimeHours) must be more than 0")
        }
        guard maxTotalTokens >= 1 else { throw ValidationError("--max-total-tokens: \(maxTotalTokens) must be at least 1") }
        guard maxCost.isFinite, maxCost > 0 else { throw ValidationError("--max-cost: \(maxCost) must be more than 0") }
        guard modelTimeout >= 1, modelTimeout <= 3600 else {
            throw ValidationError("--model-timeout: \(modelTimeout) must be between 1 and 3600 seconds")
        }
        if let publicURL, URL(string: publicURL)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--public-url: '\(publicURL)' is not an http(s) URL")
        }
        for text in allowEnv {
            if case .failure(let error) = ServerPolicy.AllowedVariable.parse(text) { throw ValidationError("--allow-env: \(error.message)") }
        }
        for origin in allowedOrigin where !BrowserGuard.isOrigin(origin) {
            throw ValidationError("--allowed-origin: '\(origin)' is not an origin such as https://ops.example.com")
        }
        if let error = Caps(maxResumes: maxResumes, maxLifetimeHours: maxLifetimeHours, maxTotalTokens: maxTotalTokens,
                            maxCost: maxCost).validate().first {
            throw ValidationError("--\(error.field.replacingOccurrences(of: "_", with: "-")): \(error.message)")
        }
    }

    /// The settings definitions are held to: the flags, with the config file's `allow_env`
    /// added and its `log_dir` used when `--log-dir` is not given.
    /// - Throws: ``CommandFailure`` naming `--log-dir` when it is not a directory.
    func policy(_ file: ScheduleFile?) throws -> ServerPolicy {
        let variables = allowEnv.compactMap { try? ServerPolicy.AllowedVariable.parse($0).get() } + (file?.allowEnv ?? [])
        var directory: String?
        if let given = logDir ?? file?.logDir {
            let absolute = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.usage("--log-dir: '\(given)' is not a directory")
            }
            directory = URL(fileURLWithPath: absolute).standardizedFileURL.path
        }
        return ServerPolicy(allowCommands: allowCommands, allowedEnvironment: variables, logDirectory: directory)
    }

    func run() async throws {
        try await CommandFailure.reporting { try await serve() }
    }

    private func serve() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        PacerMetrics.bootstrap()
        // Every child (commands, item sources, stdio MCP servers) runs under a guard that kills
        // it, and what it started, when this process dies, even by SIGKILL.
        if let executable = ChildGuard.currentExecutable { ChildGuard.install(executable) }
        let logger = Logger(label: "pacer")
        let url = store.resolved
        let isPostgres = url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
        let lock = isPostgres ? nil : try ServeLock(database: Self.sqlitePath(url))
        defer { lock?.release() }

        let database: any Store
        do {
            database = try await openStore(url)
        } catch {
            throw CommandFailure("--database: cannot open \(url): \(error)")
        }
        // No token and a non-loopback bind: the API would be open to the network (a store
        // that cannot tell counts as having none).
        if !ServerConfiguration.isLoopback(host), await (try? database.hasTokens()) != true {
            try? await database.close()
            throw CommandFailure.usage("--host: \(host) is not a loopback address; create a token first "
                                       + "(pacer tokens create NAME --scope admin) so the API is not open to the network")
        }
        let file = try config.map { try ScheduleFile.load($0, owner: "config") }
        let policy = try self.policy(file)
        // Every writer of this store checks definitions against these settings from now on.
        try await database.publishPolicy(policy)
        var mcpServers: [MCPServerSpec] = []
        if let file {
            for result in try await file.apply(to: database, now: Date(), author: "config", policy: policy) {
                logger.info("config", metadata: ["schedule": "\(result.name)", "action": "\(result.action.rawValue)"])
            }
            mcpServers = file.mcpServers
        }
        // MCP servers are connected when an agent first needs them, shared across runs, and
        // stopped (children included) when serve stops.
        let stack = RunnerStack(
            store: database, policy: policy,
            caps: Caps(maxResumes: maxResumes, maxLifetimeHours: maxLifetimeHours, maxTotalTokens: maxTotalTokens, maxCost: maxCost),
            modelTimeout: modelTimeout, linkBase: publicURL ?? "http://\(host):\(port)", mcpServers: mcpServers)
        if !mcpServers.isEmpty {
            logger.info("mcp servers", metadata: ["servers": "\(mcpServers.map(\.name).joined(separator: ", "))"])
        }
        let engine = Engine(
            store: database, runners: stack.runners,
            configuration: .init(maxConcurrent: maxConcurrent, leaseTimeout: leaseTimeout,
                                 heartbeatInterval: max(0.5, leaseTimeout / 4), recoveryInterval: min(2, max(0.5, leaseTimeout / 2)),
                                 retentionDays: retentionDays,
                                 drainTimeout: drainTimeout, definitionCacheSize: definitionCache,
                                 sharedStore: isPostgres, exclusiveStore: lock != nil),
            logger: Logger(label: "pacer.engine"))
        let host = self.host
        let open = await (try? database.hasTokens()) == false
        let listening = ListeningSignal()
        let app = buildApplication(
            configuration: ServerConfiguration(host: host, port: port, publicURL: publicURL, allowedOrigins: allowedOrigin),
            services: APIServices(store: database, engine: engine, publicURL: publicURL ?? "http://\(host):\(port)", policy: policy),
            registry: PacerMetrics.registry, logger: Logger(label: "pacer.http"),
            onServerRunning: { port in
                logger.info("listening", metadata: ["address": "http://\(host):\(port)", "database": "\(url)"])
                for line in ServeNotice.lines(policy: policy, open: open, address: "http://\(host):\(port)") {
                    logger.notice("\(line)")
                }
                listening.open()
            })
        // Every long-lived part is a service of one group, which stops them in reverse order:
        // the engine drains first (the API still answers meanwhile), then the HTTP server
        // stops, then the runners' client, the MCP hub and its children, and last the store.
        // The engine starts once the server listens: a server that cannot bind fires nothing.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: Resource(name: "store", logger: logger) { try? await database.close() }),
                .init(service: Resource(name: "runners and mcp hub", logger: logger) { await stack.shutdown() }),
                .init(service: app),
                .init(service: AfterListening(engine, signal: listening)),
                .init(service: ShutdownDeadline(drainTimeout: drainTimeout, logger: logger), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
            if listening.isOpen { logger.error("stopped", metadata: ["error": "\(error)"]) }
        }
        if let failure, !listening.isOpen {
            throw CommandFailure("--port: cannot listen on \(host):\(port): \(failure)")
        }
        logger.info("stopped")
    }

    /// The file path of a SQLite database URL (`sqlite:` prefixes removed), with symbolic
    /// links resolved, so two names of one file share one serve lock.
    static func sqlitePath(_ url: String) -> String {
        var path = url
        for prefix in ["sqlite://", "sqlite:"] where path.hasPrefix(prefix) {
            path.removeFirst(prefix.count)
            break
        }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
