import Foundation
import PacerCore
import Synchronization

/// Wakes the engine loop: `poke()` from anywhere (a store change, a finished run, shutdown);
/// `wait(until:clock:)` returns at the first poke or at the deadline. A poke that comes while
/// nobody waits is kept, so none is lost.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    func poke() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits for a poke or the deadline (forever when `nil`); returns at once when cancelled.
    func wait(until deadline: Date?, clock: any WallClock) async {
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask {
                    do {
                        try await clock.sleep(until: deadline)
                        self.poke()
                    } catch {}
                }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow: Bool = state.withLock { s in
                        if s.pending || Task.isCancelled {
                            s.pending = false
                            return true
                        }
                        s.waiter = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            } onCancel: {
                self.poke()
            }
            group.cancelAll()
        }
    }
}

/// An entry of the engine's heaps (swift-collections' `Heap`): a run or schedule id and its
/// instant, earliest first (ties by id, so the order never depends on insertion).
struct Due: Comparable {
    var at: Date
    var id: String

    init(_ at: Date, _ id: String) {
        self.at = at
        self.id = id
    }

    static func < (a: Due, b: Due) -> Bool { a.at != b.at ? a.at < b.at : a.id < b.id }
}
