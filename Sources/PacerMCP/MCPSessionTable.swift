import Foundation
import Synchronization

/// The MCP sessions of `/mcp`: an `Mcp-Session-Id` handed out by `initialize`, bound to the
/// caller that made it, forgotten after a day without use, by `DELETE /mcp`, or when the
/// table is full (the least recently used goes first). A server restart forgets them all, and
/// clients then initialize again (the spec's answer to an unknown session is 404).
final class MCPSessionTable: Sendable {
    struct Entry {
        var owner: String
        var lastUsed: ContinuousClock.Instant
    }

    /// Most sessions kept.
    let capacity: Int
    /// How long an unused session lives.
    let idleLimit: Duration
    private let entries = Mutex<[String: Entry]>([:])

    /// - Parameters:
    ///   - capacity: most sessions kept.
    ///   - idleLimit: how long an unused session lives.
    init(capacity: Int = 10_000, idleLimit: Duration = .seconds(86_400)) {
        self.capacity = capacity
        self.idleLimit = idleLimit
    }

    /// A new session for `owner`: 32 hex digits (visible ASCII, as the spec requires).
    func open(owner: String) -> String {
        let id = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
        let now = ContinuousClock.now
        entries.withLock { table in
            if table.count >= capacity {
                table = table.filter { now - $0.value.lastUsed < idleLimit }
            }
            while table.count >= capacity, let oldest = table.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
                table[oldest] = nil
            }
            table[id] = Entry(owner: owner, lastUsed: now)
        }
        return id
    }

    /// Whether the session exists for `owner` (and is not expired); marks it used.
    func touch(_ id: String, owner: String) -> Bool {
        let now = ContinuousClock.now
        return entries.withLock { table in
            guard var entry = table[id] else { return false }
            guard now - entry.lastUsed < idleLimit else {
                table[id] = nil
                return false
            }
            guard entry.owner == owner else { return false }
            entry.lastUsed = now
            table[id] = entry
            return true
        }
    }

    /// Ends the session; whether `owner` had it.
    func close(_ id: String, owner: String) -> Bool {
        entries.withLock { table in
            guard table[id]?.owner == owner else { return false }
            table[id] = nil
            return true
        }
    }

    /// How many sessions are kept.
    var count: Int { entries.withLock { $0.count } }
}
