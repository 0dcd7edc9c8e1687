import Synchronization

/// A store call with a deadline the caller can rely on, even when the call itself cannot be
/// interrupted: PostgresNIO does not cancel a query in flight, and a query sent on a
/// connection that has just closed never completes. The call runs in a task of its own; at
/// the deadline (or when the caller is cancelled) the caller gets ``StoreError/timedOut``
/// (or `CancellationError`) and walks away, `onTimeout` closes what the call holds, and the
/// call's task is cancelled and left to end when it can.
public enum Deadline {
    public static func run<T: Sendable>(seconds: Double, onTimeout: @escaping @Sendable () -> Void = {},
                                 _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let slot = ContinuationSlot<T>()
        let work = Task { try await operation() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                slot.store(continuation)
                let timer = Task {
                    try? await Task.sleep(for: .seconds(seconds))
                    guard !Task.isCancelled, let c = slot.take() else { return }
                    work.cancel()
                    onTimeout()
                    c.resume(throwing: StoreError.timedOut(seconds: seconds))
                }
                Task {
                    let result = await work.result
                    timer.cancel()
                    slot.take()?.resume(with: result)
                }
            }
        } onCancel: {
            work.cancel()
            slot.cancel()
        }
    }
}

/// The one continuation of a deadline call, resumed exactly once by whichever comes first:
/// the result, the deadline or the caller's cancellation (which may come before it is stored).
private final class ContinuationSlot<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var cancelled = false
    }
    private let state = Mutex(State())

    func store(_ c: CheckedContinuation<T, any Error>) {
        let cancelled = state.withLock { s -> Bool in
            if s.cancelled { return true }
            s.continuation = c
            return false
        }
        if cancelled { c.resume(throwing: CancellationError()) }
    }

    func take() -> CheckedContinuation<T, any Error>? {
        state.withLock { s in defer { s.continuation = nil }; return s.continuation }
    }

    func cancel() {
        let c = state.withLock { s in
            s.cancelled = true
            defer { s.continuation = nil }
            return s.continuation
        }
        c?.resume(throwing: CancellationError())
    }
}
