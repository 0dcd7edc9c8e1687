import PacerCore

/// Full definitions kept in memory, at most `capacity`; the oldest entry leaves first. Every
/// operation is O(1) amortized (a dictionary plus the keys in insertion order), whatever the
/// number of schedules: loading 100,000 schedules into a cache of 16,384 evicts 83,616 times.
struct DefinitionCache {
    let capacity: Int
    private var byID: [String: Schedule] = [:]
    /// Keys in insertion order from `head` on; keys removed meanwhile are skipped when met.
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { byID.count }

    subscript(id: String) -> Schedule? {
        get { byID[id] }
        set {
            guard let schedule = newValue else {
                byID[id] = nil
                return
            }
            guard capacity > 0 else { return }
            if byID.updateValue(schedule, forKey: id) == nil {
                order.append(id)
                while byID.count > capacity { evictOldest() }
            }
            compactIfSparse()
        }
    }

    private mutating func evictOldest() {
        while head < order.count {
            let id = order[head]
            head += 1
            if byID.removeValue(forKey: id) != nil { return }
        }
    }

    /// Drops the consumed front, and keys no longer cached, once they outnumber the live ones.
    private mutating func compactIfSparse() {
        guard order.count > 2 * max(byID.count, 1024) else { return }
        var seen = Set<String>()
        order = order[head...].filter { byID[$0] != nil && seen.insert($0).inserted }
        head = 0
    }
}
