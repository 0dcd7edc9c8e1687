import ArgumentParser
import Foundation
import Logging
import MCP
import PacerCore
import PacerMCP
import PacerStore

/// `pacer mcp`: Pacer's tools for an MCP client (Claude Desktop, an IDE, an agent framework)
/// over stdio. Standard output carries the protocol and nothing else; logs go to stderr.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Pacer's scheduling tools to an MCP client over stdio.",
        discussion: """
            Reads JSON-RPC messages on stdin and answers on stdout (the MCP stdio transport); logs go to stderr. \
            The tools create, list, show, change, pause, resume and delete schedules, preview rules, run a schedule \
            now or backfill a past window, list runs and agent sessions, and pace running or waiting sessions. Schedules created here are owned \
            by 'mcp'. Queued runs (run_now, backfills, resumed sessions) are started by a `pacer serve` on the same database.

            A client configuration:
              {"mcpServers": {"pacer": {"command": "pacer", "args": ["mcp", "--database", "/path/pacer.db"]}}}
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Log format on stderr: text or json.")
    var logFormat = "text"

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "warning"

    func validate() throws {
        guard ["text", "json"].contains(logFormat) else {
            throw ValidationError("--log-format: '\(logFormat)' must be text or json")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: '\(logLevel)' is not a level (trace, debug, info, notice, warning, error, critical)")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pacer.mcp")
        try await store.withStore { store in
            // Checked against the settings the server published to this store.
            let catalogue = MCPToolCatalogue(store: store, configuration: .init(engineRunning: false,
                                                                                policy: try await store.effectivePolicy()))
            let server = await PacerMCPServer.make(catalogue: catalogue, caller: .mcp, logger: logger)
            logger.info("serving MCP over stdio", metadata: ["database": "\(self.store.resolved)"])
            try await server.start(transport: StdioTransport(logger: logger))
            await server.waitUntilCompleted()
            await server.stop()
            logger.info("stdin closed; stopping")
        }
    }
}
