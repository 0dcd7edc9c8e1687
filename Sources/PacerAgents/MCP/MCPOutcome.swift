import Foundation
import Synchronization

/// The one outcome of a request to an MCP server, settled by whichever comes first: the
/// answer, the timeout, or the connection's end. Later settlements are ignored, so a request
/// never waits on an answer that cannot come (the SDK's client keeps a request pending when
/// its server dies).
final class MCPOutcome<Value: Sendable>: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
    }

    private let state = Mutex(State())

    /// Settles the outcome unless it is settled already.
    /// - Parameter result: the answer or the failure.
    func settle(_ result: Result<Value, any Error>) {
        let waiter: CheckedContinuation<Value, any Error>? = state.withLock { s in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(with: result)
    }

    /// Waits for the outcome; cancelling the waiting task settles it with `CancellationError`.
    func value() async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let settled: Result<Value, any Error>? = state.withLock { s in
                    if let result = s.result { return result }
                    s.waiter = continuation
                    return nil
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            settle(.failure(CancellationError()))
        }
    }

    /// Runs `operation` and waits for it, at most `seconds`; `onTimeout` gives the failure then.
    /// Anyone holding the outcome may settle it earlier (the connection does when it ends).
    /// - Parameters:
    ///   - seconds: the longest wait.
    ///   - operation: the work; it is left to finish on its own when the wait ends early.
    ///   - onTimeout: the failure after `seconds`.
    func run(seconds: Double, _ operation: @escaping @Sendable () async throws -> Value,
             onTimeout: @escaping @Sendable () -> any Error) async throws -> Value {
        let work = Task {
            do { settle(.success(try await operation())) } catch { settle(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            settle(.failure(onTimeout()))
        }
        defer { timer.cancel() }
        _ = work
        return try await value()
    }
}
