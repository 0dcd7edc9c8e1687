import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import PacerCore

/// The MCP servers configured on a Pacer server and their connections, shared by every
/// session and run.
///
/// A server is started (or reached) the first time an agent that names it needs its tools,
/// and the connection is kept: later sessions reuse it and its tool list. A server that cannot
/// be started or reached simply offers no tools this time. When a server stops, the next call
/// of one of its tools answers a tool error naming how it stopped (exit status or signal) and
/// the call after it (or the next session) starts it again. ``shutdown()`` stops every child.
///
/// ```swift
/// let hub = MCPHub(servers: [.stdio("time", command: "python3", args: ["-m", "mcp_server_time"])])
/// let sessions = AgentSessions(store: store, makeProvider: make, extraTools: { await hub.tools(for: $0) })
/// ...
/// await hub.shutdown()
/// ```
public actor MCPHub {
    /// The servers, by name.
    public let specs: [String: MCPServerSpec]
    private let environment: [String: String]
    private let logger: Logger
    /// The client of `http` servers, made at the first one: connection attempts are not
    /// retried (a server that is gone must fail a call at once, not at its deadline).
    private var httpClient: HTTPClient?
    private var slots: [String: Slot] = [:]
    private var isShutDown = false
    /// Stopped connections being closed, so that ``shutdown()`` can wait for them.
    private var retiring: [Int: Task<Void, Never>] = [:]
    private var nextRetiring = 0

    private enum Slot {
        case connecting(Task<MCPConnection, any Error>)
        case open(MCPConnection)
    }

    /// - Parameters:
    ///   - servers: the configured servers; a later one with a taken name is ignored.
    ///   - environment: `pacer serve`'s environment (children's base variables, `headers_from_env`).
    ///   - logger: where connections are logged.
    public init(servers: [MCPServerSpec], environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "pacer.mcp")) {
        var specs: [String: MCPServerSpec] = [:]
        for server in servers where specs[server.name] == nil { specs[server.name] = server }
        self.specs = specs
        self.environment = environment
        self.logger = logger
    }

    /// The MCP tools an agent may be offered: those of every configured server its
    /// `mcp_servers` or `tools` names (by server, or by `server.tool`), as `server.tool`.
    /// Servers are connected as needed, concurrently; one that cannot be reached adds nothing.
    /// ``ToolBox/offered(to:extra:)`` picks from these what the allow-list allows.
    /// - Parameter agent: the agent.
    public func tools(for agent: Agent) async -> [any AgentTool] {
        let names = servers(of: agent)
        guard !names.isEmpty, !isShutDown else { return [] }
        let safe = Set(agent.mcpSafeServers)
        let listed = await withTaskGroup(of: (String, [Tool]).self) { group in
            for name in names {
                group.addTask {
                    do {
                        let connection = try await self.connection(name)
                        return (name, try await connection.tools())
                    } catch {
                        await self.warn(name, error)
                        return (name, [])
                    }
                }
            }
            var all: [String: [Tool]] = [:]
            for await (name, tools) in group { all[name] = tools }
            return all
        }
        return names.flatMap { name in
            (listed[name] ?? []).map { MCPTool(server: name, tool: $0, dangerous: !safe.contains(name), hub: self) as any AgentTool }
        }
    }

    /// Calls a tool. Never throws: failures are tool errors the model can read. A server that
    /// stopped answers once with how it stopped; the next call starts it again.
    /// - Parameters:
    ///   - server: the server's name.
    ///   - tool: the tool's name on the server.
    ///   - arguments: the arguments.
    public func call(server: String, tool: String, arguments: JSONValue) async -> ToolOutput {
        do {
            if case .open(let current)? = slots[server], await current.isStopped {
                drop(server, current)
                throw await current.stoppedFailure()
            }
            let connection = try await connection(server)
            do {
                let result = try await connection.call(tool, arguments: arguments)
                let output = MCPValues.result(result.content, structured: result.structuredContent)
                if result.isError == true {
                    return .failure(MCPValues.text(result.content).isEmpty ? "the tool failed" : MCPValues.text(result.content),
                                    ["server": .string(server), "tool": .string(tool)])
                }
                return ToolOutput(result: output)
            } catch {
                if error.isStopped { drop(server, connection) }
                throw error
            }
        } catch let failure as MCPFailure {
            return .failure(failure.message, ["kind": .string(failure.kind)])
        } catch {
            return .failure(error.mcpDescription)
        }
    }

    /// The process id of a `stdio` server's child, while connected (for tests and logs).
    /// - Parameter server: the server's name.
    public func childPID(of server: String) async -> Int32? {
        guard case .open(let connection)? = slots[server], !(await connection.isStopped) else { return nil }
        return connection.pid
    }

    /// Closes every connection and stops every child (SIGTERM, then SIGKILL after 2 s);
    /// returns once they are gone. Later requests fail.
    public func shutdown() async {
        isShutDown = true
        let all = slots, closing = retiring.values
        slots = [:]
        await withTaskGroup(of: Void.self) { group in
            for (_, slot) in all {
                group.addTask {
                    switch slot {
                    case .open(let connection): await connection.close()
                    case .connecting(let task): await (try? task.value)?.close()
                    }
                }
            }
            for task in closing { group.addTask { await task.value } }
        }
        if let httpClient {
            self.httpClient = nil
            try? await httpClient.shutdown()
        }
    }

    // MARK: Connections

    /// The servers an agent refers to, in a stable order.
    private func servers(of agent: Agent) -> [String] {
        var names: [String] = []
        for reference in agent.mcpServers + agent.tools {
            let server = reference.split(separator: ".", maxSplits: 1).first.map(String.init) ?? reference
            if specs[server] != nil, !names.contains(server) { names.append(server) }
        }
        return names
    }

    /// The open connection to a server, opening one if there is none or the one there
    /// stopped. Concurrent callers share one opening.
    private func connection(_ name: String) async throws(MCPFailure) -> MCPConnection {
        guard let spec = specs[name] else { throw .unavailable(name, "no MCP server of that name is configured") }
        if isShutDown { throw .shutDown(name) }
        switch slots[name] {
        case .open(let connection)?:
            if !(await connection.isStopped) { return connection }
            if case .open(let again)? = slots[name], again === connection { drop(name, connection) }
            return try await self.connection(name)
        case .connecting(let task)?:
            do { return try await task.value } catch { throw error as? MCPFailure ?? .unavailable(name, error.mcpDescription) }
        case nil:
            let environment = self.environment, logger = self.logger
            let httpClient = spec.transport == .http ? sharedHTTPClient() : nil
            let task = Task<MCPConnection, any Error> {
                try await MCPConnection.open(spec, environment: environment, httpClient: httpClient, logger: logger)
            }
            slots[name] = .connecting(task)
            let result = await task.result
            if case .connecting? = slots[name] { slots[name] = nil }
            switch result {
            case .success(let connection):
                if isShutDown {
                    await connection.close()
                    throw .shutDown(name)
                }
                slots[name] = .open(connection)
                return connection
            case .failure(let error):
                throw error as? MCPFailure ?? .unavailable(name, error.mcpDescription)
            }
        }
    }

    /// The HTTP client of `http` servers, made at the first use.
    private func sharedHTTPClient() -> HTTPClient {
        if let httpClient { return httpClient }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        httpClient = client
        return client
    }

    /// Forgets a stopped connection (if it is still the current one) and lets it go.
    private func drop(_ name: String, _ connection: MCPConnection) {
        guard case .open(let current)? = slots[name], current === connection else { return }
        slots[name] = nil
        let id = nextRetiring
        nextRetiring += 1
        retiring[id] = Task {
            await connection.close()
            self.retired(id)
        }
    }

    private func retired(_ id: Int) { retiring[id] = nil }

    private func warn(_ name: String, _ error: any Error) {
        logger.warning("MCP server unavailable; its tools are not offered this time",
                       metadata: ["server": "\(name)", "error": "\(error.mcpDescription)"])
    }
}
