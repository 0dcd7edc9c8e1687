import Foundation
import Logging
import PacerCore
import ServiceLifecycle
import Synchronization

/// Opens once, when the HTTP server listens; the engine waits for it.
final class ListeningSignal: Sendable {
    private let state = Mutex(false)
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the server listens.
    var isOpen: Bool { state.withLock { $0 } }

    func open() {
        state.withLock { $0 = true }
        continuation.yield()
        continuation.finish()
    }

    /// Waits until the server listens: `true`, or `false` when the wait ended first (the group
    /// stopped because the server could not bind, or shut down).
    func wait() async -> Bool {
        await withGracefulShutdownHandler {
            for await _ in stream { return true }
            return isOpen
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}

/// A service that starts only once the HTTP server listens.
struct AfterListening<Inner: Service>: Service {
    let inner: Inner
    let signal: ListeningSignal

    init(_ inner: Inner, signal: ListeningSignal) {
        self.inner = inner
        self.signal = signal
    }

    func run() async throws {
        guard await signal.wait(), !Task.isCancelled else { return }
        try await inner.run()
    }
}

/// What `pacer serve` says at start about who may reach it and what definitions may reach.
enum ServeNotice {
    /// - Parameters:
    ///   - policy: the server's settings.
    ///   - open: whether the store has no tokens (the API answers loopback callers without one).
    ///   - address: where it listens.
    static func lines(policy: ServerPolicy, open: Bool, address: String) -> [String] {
        var out: [String] = []
        if open {
            out.append("no API tokens exist: the API, the dashboard and /mcp at \(address) are open, with every scope, to every "
                + "process and user of this machine (they can create, change and run schedules and agents, read every run's output "
                + "and make tokens\(policy.allowCommands ? ", and, with --allow-commands, run programs as this user" : ""))")
            out.append("web pages of other sites are refused (Host, Origin and Content-Type checks); to require a token, "
                + "create one: pacer tokens create NAME --scope admin (see docs/security.md)")
        }
        out.append("programs: " + (policy.allowCommands ? "allowed for admin-owned definitions (--allow-commands)" : "off (--allow-commands to allow)"))
        out.append("environment variables definitions may name: "
            + (policy.allowedEnvironment.isEmpty ? "none (--allow-env NAME to allow one)" : policy.allowedEnvironment.map(\.text).joined(separator: ", ")))
        out.append("log deliveries: " + (policy.logDirectory.map { "files under \($0)" } ?? "off (--log-dir DIR to allow files under DIR)"))
        return out
    }
}

/// A long-lived part of the server (the store, the MCP hub, the runners' HTTP client and
/// deliveries) as a service: open while the group runs, closed when the group shuts down. The
/// group stops its services in reverse order, so a part listed before the engine closes only
/// after the engine has drained and written its last finish.
struct Resource: Service {
    let name: String
    let logger: Logger
    let close: @Sendable () async -> Void

    func run() async throws {
        // Returns at a graceful shutdown; throws when the group is cancelled: close either way.
        try? await gracefulShutdown()
        await close()
        logger.debug("closed", metadata: ["part": "\(name)"])
    }
}

/// The last word on how long a stop may take: once a graceful shutdown begins (SIGTERM,
/// SIGINT), the process ends within the drain timeout plus `grace`, even when something it
/// waits for never answers (a database gone, a target that ignores cancellation). Work not
/// written by then is settled by the store's recovery, and children die with their guard.
/// The timer runs on a dispatch queue, not on Swift's cooperative pool, so a blocked pool
/// cannot hold it up.
struct ShutdownDeadline: Service {
    let drainTimeout: Double
    var grace: Double = 10
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group ended without a graceful shutdown
        }
        let limit = drainTimeout + grace
        let logger = logger
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            logger.critical("the server did not stop within \(Int(limit)) s of the shutdown signal (drain timeout \(Int(drainTimeout)) s); exiting now")
            exit(3)
        }
    }
}
