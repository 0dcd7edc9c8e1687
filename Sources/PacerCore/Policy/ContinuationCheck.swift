import Foundation

/// Whether a runner's "continue at T with state S" can be queued (a pure check): the state is
/// bounded, and the next step is a continuation or a session's wake-up.
public enum ContinuationCheck {
    /// Why the continuation is refused (the run then fails permanently), or `nil`.
    /// - Parameter continuation: what the runner asked for.
    public static func problem(_ continuation: RunOutcome.Continuation) -> String? {
        guard continuation.trigger == .continuation || continuation.trigger == .resume else {
            return "a continuation's trigger must be continuation or resume, not \(continuation.trigger.rawValue)"
        }
        guard let state = continuation.state else { return nil }
        guard let bytes = try? PacerJSON.encode(state).count else { return "the continuation's state cannot be encoded" }
        if bytes > Run.stateLimit {
            return "the continuation's state is \(bytes) bytes; at most \(Run.stateLimit) are kept"
        }
        return nil
    }
}
