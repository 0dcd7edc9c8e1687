/// What a token may do. `admin` implies every scope; `write` and `run` imply `read`.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Read schedules, runs, sessions, agents, events.
    case read
    /// Create, change and delete schedules and agents.
    case write
    /// Run Now, cancel and resume sessions.
    case run
    /// Everything, including tokens and command targets.
    case admin
}

extension Scope {
    /// Whether holding `scopes` grants this scope (`admin` grants all; `write` and `run` grant `read`).
    /// - Parameter scopes: the scopes held.
    public func isGranted(by scopes: Set<Scope>) -> Bool {
        if scopes.contains(.admin) || scopes.contains(self) { return true }
        return self == .read && (scopes.contains(.write) || scopes.contains(.run))
    }
}
