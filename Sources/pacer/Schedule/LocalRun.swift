import ChildProcess
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PacerCore
import PacerEngine
import PacerStore
import Synchronization
import UnixSignals

/// `pacer schedule run --wait` with no server on the store: the fire runs in this process, as
/// a server would run it (the same runners, gate, timeout, deliveries and finish), under the
/// settings the last server published. Only SQLite can tell that no server holds it: its
/// `pacer serve` lock, which this process takes for the run so no server starts meanwhile.
enum LocalRun {
    /// What the lock file names while a fire runs here.
    static let holder = "pacer schedule run --wait"

    /// The store's serve lock when no `pacer serve` holds it; `nil` for PostgreSQL (replicas
    /// run the fire) or when a server holds it.
    /// - Throws: ``CommandFailure`` when the lock file cannot be created, or when this user is
    ///   not the database file's owner (a fire run here runs as this user, with this shell's
    ///   environment: as the server's user, or nothing).
    static func lockIfNoServer(_ url: String) throws -> ServeLock? {
        guard !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) else { return nil }
        let path = ServeCommand.sqlitePath(url)
        var info = stat()
        if stat(path, &info) == 0, info.st_uid != geteuid() {
            throw CommandFailure("""
                no `pacer serve` holds \(path), and it belongs to another user (uid \(info.st_uid)): a fire run here would \
                run as you; run this as the database's owner, or start pacer serve
                """)
        }
        return try ServeLock.acquire(database: path, holder: holder)
    }

    /// Runs the queued run here and returns it finished. On the timeout, SIGINT or SIGTERM,
    /// or a failure before it ran, the fire is cancelled in the store (never left for a
    /// later server to run by surprise).
    /// - Parameters:
    ///   - run: a queued run.
    ///   - store: the store.
    ///   - timeout: how long to wait; then the run is cancelled.
    /// - Throws: ``CommandFailure`` when the run did not end in time or was interrupted, store errors.
    static func execute(_ run: Run, store: any Store, timeout: TimeInterval) async throws -> Run {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        // Children die with this process, even by SIGKILL, as under `pacer serve`.
        if let executable = ChildGuard.currentExecutable { ChildGuard.install(executable) }
        let policy: ServerPolicy
        do {
            policy = try await store.effectivePolicy()
        } catch {
            _ = try? await store.cancelFire(of: run.id, reason: "cancelled: could not run it here (\(error))", at: Date())
            throw error
        }
        let stack = RunnerStack(store: store, policy: policy, caps: .serverDefaults,
                                modelTimeout: 120, linkBase: "http://127.0.0.1:8750", mcpServers: [])
        // Deliveries get the drain's time once the run is over.
        let engine = Engine(store: store, runners: stack.runners,
                            configuration: .init(maxConcurrent: 1, drainTimeout: 30, onlyRuns: [run.id]),
                            logger: Logger(label: "pacer.engine"))
        let loop = Task { try await engine.run() }
        let interrupted = Interrupt()
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                interrupted.set()
                return
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var latest = run
        while !latest.status.isTerminal, Date() < deadline, !interrupted.isSet {
            try await Task.sleep(for: .milliseconds(100))
            latest = try await store.run(id: run.id) ?? latest
        }
        let why: String? = latest.status.isTerminal ? nil
            : interrupted.isSet ? "interrupted" : "did not end within \(DurationText.human(timeout))"
        if let why {
            // The engine sees the fire finished elsewhere and stops the run.
            _ = try? await store.cancelFire(of: run.id, reason: "cancelled: \(why)", at: Date())
            for _ in 0..<100 where await engine.inFlight > 0 { try? await Task.sleep(for: .milliseconds(50)) }
        }
        engine.stop()
        try? await loop.value
        signals.cancel()
        await stack.shutdown()
        if let why { throw CommandFailure("run \(run.id) \(why); it was cancelled") }
        return try await store.run(id: run.id) ?? latest
    }
}

/// Set once, by a signal.
final class Interrupt: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}
