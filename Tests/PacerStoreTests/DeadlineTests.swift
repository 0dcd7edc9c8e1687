import Foundation
@testable import PacerStore
import Synchronization
import Testing

/// A store call's deadline holds even when the call never answers and ignores cancellation.
@Suite(.timeLimit(.minutes(1))) struct DeadlineTests {
    @Test func aCallThatNeverAnswers_failsAtItsDeadline_andOnTimeoutRuns() async throws {
        let fired = Flag()
        let never = AsyncStream<Int> { _ in }  // never yields, never finishes, ignores cancellation
        await #expect(throws: StoreError.timedOut(seconds: 0.2)) {
            try await Deadline.run(seconds: 0.2, onTimeout: { fired.set() }) {
                for await value in never { return value }
                return 0
            }
        }
        #expect(fired.isSet)
    }

    @Test func anAnswerInTime_isReturned_andOnTimeoutDoesNotRun() async throws {
        let fired = Flag()
        let value = try await Deadline.run(seconds: 30, onTimeout: { fired.set() }) { 42 }
        #expect(value == 42)
        #expect(!fired.isSet)
    }

    @Test func anErrorInTime_isThrownAsItIs() async throws {
        await #expect(throws: StoreError.closed) {
            try await Deadline.run(seconds: 30) { () async throws -> Int in throw StoreError.closed }
        }
    }

    @Test func aCancelledCaller_walksAwayFromACallThatNeverAnswers() async throws {
        let caller = Task {
            try await Deadline.run(seconds: 3600) {
                for await value in AsyncStream<Int>(unfolding: { await withUnsafeContinuation { _ in } }) { return value }
                return 0
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}

private final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
