import ChildProcess
import Foundation
import Logging
import PacerCore
import PacerEngine
import PacerStore

/// `pacer schedule run --wait` with no server on the store: the fire runs in this process, as
/// a server would run it (the same runners, gate, timeout, deliveries and finish), under the
/// settings the last server published. Only SQLite can tell that no server holds it: its
/// `pacer serve` lock, which this process takes for the run so no server starts meanwhile.
enum LocalRun {
    /// The store's serve lock when no `pacer serve` holds it; `nil` for PostgreSQL (replicas
    /// run the fire) or when a server holds it.
    static func lockIfNoServer(_ url: String) -> ServeLock? {
        guard !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) else { return nil }
        return try? ServeLock(database: ServeCommand.sqlitePath(url))
    }

    /// Runs the queued run here and returns it finished.
    /// - Parameters:
    ///   - run: a queued run.
    ///   - store: the store.
    ///   - timeout: how long to wait; then the run is cancelled.
    /// - Throws: ``CommandFailure`` when the run did not end in time, store errors.
    static func execute(_ run: Run, store: any Store, timeout: TimeInterval) async throws -> Run {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        // Children die with this process, even by SIGKILL, as under `pacer serve`.
        if let executable = ChildGuard.currentExecutable { ChildGuard.install(executable) }
        let stack = RunnerStack(store: store, policy: try await store.effectivePolicy(), caps: .serverDefaults,
                                modelTimeout: 120, linkBase: "http://127.0.0.1:8750", mcpServers: [])
        let engine = Engine(store: store, runners: stack.runners,
                            configuration: .init(maxConcurrent: 1, drainTimeout: 0, onlyRuns: [run.id]),
                            logger: Logger(label: "pacer.engine"))
        let loop = Task { try await engine.run() }
        let deadline = Date().addingTimeInterval(timeout)
        var latest = run
        while !latest.status.isTerminal, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            latest = try await store.run(id: run.id) ?? latest
        }
        let timedOut = !latest.status.isTerminal
        // Stops the loop; a run still going is cancelled and recorded so.
        engine.stop()
        try? await loop.value
        await stack.shutdown()
        if timedOut {
            throw CommandFailure("run \(run.id) did not end within \(DurationText.human(timeout)); it was cancelled")
        }
        return latest
    }
}
