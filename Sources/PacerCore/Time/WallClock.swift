import Foundation

/// Pacer's one view of time: the current instant and a sleep until an instant. Everything that
/// reads the time takes one (the engine, the stores, the API, the auth cache, the runners,
/// agent sessions, the MCP tools), so tests drive it with a manual clock instead of waiting.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends until `deadline` (or returns at once when it has passed).
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The system's wall clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) } else { try Task.checkCancellation() }
    }
}
