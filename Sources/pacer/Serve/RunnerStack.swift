import Foundation
import Logging
import PacerAgents
import PacerCore
import PacerEngine
import PacerOperations
import PacerRunners
import PacerStore

/// The runners of every target kind as `pacer serve` builds them, with the parts they share
/// (the HTTP client and deliveries, the MCP hub) and the check every run passes first: used by
/// the server and by `pacer schedule run --wait` when it runs the fire itself.
struct RunnerStack {
    let runners: Runners
    let standard: StandardRunners
    let mcpHub: MCPHub

    /// - Parameters:
    ///   - store: the store the agent runner records sessions in.
    ///   - policy: the server's settings.
    ///   - caps: the default caps of agent sessions.
    ///   - modelTimeout: seconds a model call may take.
    ///   - linkBase: the base URL of back-links in notifications.
    ///   - mcpServers: the MCP servers agents may use.
    init(store: any Store, policy: ServerPolicy, caps: Caps, modelTimeout: Double, linkBase: String, mcpServers: [MCPServerSpec]) {
        mcpHub = MCPHub(servers: mcpServers, logger: Logger(label: "pacer.mcp"))
        let environment = RunnerEnvironment.process.allowing(policy.allowedEnvironment)
        standard = StandardRunners(policy: policy)
        var runners = standard.runners
        var modelOptions = ProviderOptions()
        modelOptions.requestTimeout = modelTimeout
        runners.byKind[.agent] = AgentRunner(
            store: store, client: standard.client, environment: environment, defaultCaps: caps,
            providerOptions: modelOptions, deliverer: standard.deliverer, linkBase: linkBase, mcpHub: mcpHub,
            linkRun: { runID, sessionID in try? await store.setRunSession(runID: runID, sessionID: sessionID) },
            policy: policy)
        // Every run is checked before anything of it executes: its owner's scopes, read at
        // every run, and the server's settings.
        runners.gate = OwnerRightsGate(store: store, policy: policy)
        self.runners = runners
    }

    /// Stops the MCP servers (children included) and the shared HTTP client.
    func shutdown() async {
        await mcpHub.shutdown()
        try? await standard.shutdown()
    }
}
