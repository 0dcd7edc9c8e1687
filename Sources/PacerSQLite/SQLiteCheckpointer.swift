import Dispatch
import Foundation
import GRDB
import PacerStore
import Synchronization

/// Copies the write-ahead log back into the database file on a connection and a thread of
/// its own. SQLite's automatic checkpoint runs inside the commit that crosses its threshold,
/// on the one writer every claim, start mark and finish waits for; here the writer only asks
/// (after a commit that changed rows), and a passive checkpoint (which takes no lock a writer
/// or reader needs) runs at most once per ``interval`` beside it, copying and syncing pages
/// while the writer goes on. A passive checkpoint beside a busy writer never catches up with
/// the log's last frames, and only a writer restarts the log: the writer's own automatic
/// checkpoint stays, at ``backstopPages``, and finds most pages copied already.
final class SQLiteCheckpointer: Sendable {
    /// At most one checkpoint per interval.
    static let interval = DispatchTimeInterval.milliseconds(100)
    /// The writer checkpoints itself past this many WAL pages (16 MB at 4 KiB pages; SQLite's
    /// default is 1,000).
    static let backstopPages = 4_000

    private struct State {
        var connection: DatabaseQueue?
        var pending = false
        var closed = false
        var completed = 0
    }
    private let path: String
    private let queue = DispatchQueue(label: "pacer.sqlite.checkpoint", qos: .utility)
    private let state = Mutex(State())

    init(path: String) { self.path = path }

    /// After a commit: a checkpoint within ``interval`` (requests meanwhile share it).
    func request() {
        let schedule = state.withLock { s -> Bool in
            guard !s.pending, !s.closed else { return false }
            s.pending = true
            return true
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + Self.interval) { [self] in checkpoint() }
    }

    /// Runs on ``queue``, never on the cooperative pool: a checkpoint writes and syncs files.
    private func checkpoint() {
        let (closed, existing) = state.withLock { s -> (Bool, DatabaseQueue?) in
            s.pending = false
            return (s.closed, s.connection)
        }
        guard !closed else { return }
        var connection = existing
        if connection == nil {
            // Opened here, outside the lock, and only onto the store's own file: SQLite would
            // create a missing one (with the umask's mode, not the store's 0600).
            guard FileManager.default.fileExists(atPath: path) else { return }
            var configuration = Configuration()
            configuration.label = "pacer.sqlite.checkpoint"
            connection = try? DatabaseQueue(path: path, configuration: configuration)
            state.withLock { $0.connection = connection }
        }
        // Busy while another process checkpoints, failing on a full disk: the next commit asks
        // again, and the writer's backstop holds meanwhile.
        guard let connection, (try? connection.inDatabase({ try $0.checkpoint(.passive) })) != nil else { return }
        state.withLock { $0.completed += 1 }
    }

    /// Checkpoints that ran to the end (for tests).
    var completed: Int { state.withLock { $0.completed } }

    /// No more checkpoints; waits for one in progress and closes the connection.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {}  // a checkpoint in progress (or a connection being opened) ends first
        let connection = state.withLock { s -> DatabaseQueue? in
            defer { s.connection = nil }
            return s.connection
        }
        try? connection?.close()
    }
}
