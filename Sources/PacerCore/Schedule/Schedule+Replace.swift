import Foundation
import Recurrence

/// How a definition is created and replaced, the same in both stores: the stores run these in
/// their transactions and write what they return.
extension Schedule {
    /// A schedule about to be created: revision 1, validated (every field error at once), with
    /// its first fire after its creation.
    /// - Throws: `ValidationError`.
    public func preparedForCreate() throws -> (schedule: Schedule, firstFire: Date?) {
        var s = self
        s.revision = 1
        try s.requireValid()
        return (s, try s.cadence().next(after: s.createdAt))
    }

    /// Whether an edit made from revision `given` may replace the stored revision: only when
    /// it was read at the stored revision, so an edit made before another one was stored
    /// never overwrites it.
    public static func mayReplace(stored: Int, given: Int) -> Bool {
        given == stored
    }

    /// This definition as the revision after `stored`: its id and creation instant, the next
    /// revision number, validated; and whether the timing changed (the next fire is then
    /// recomputed with ``nextFireAfterEdit(now:lastFire:)``).
    /// - Throws: `ValidationError`.
    public func replacing(_ stored: Schedule) throws -> (schedule: Schedule, timingChanged: Bool) {
        var s = self
        s.id = stored.id
        s.createdAt = stored.createdAt
        s.revision = stored.revision + 1
        try s.requireValid()
        return (s, s.timing != stored.timing)
    }
}
