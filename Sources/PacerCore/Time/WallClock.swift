import Foundation

/// The engine's view of time: the current instant and a sleep until an instant. Injected so
/// that every policy is tested with a manual clock instead of real waits.
public protocol EngineClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends until `deadline` (or returns at once when it has passed).
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The system's wall clock.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) } else { try Task.checkCancellation() }
    }
}
