import Foundation
import PacerPostgres
import PacerSQLite
import PacerStore

/// Opens the store a database URL names: `postgres://` or `postgresql://` URLs open a
/// ``PostgresStore``; anything else is a SQLite file path (`./pacer.db`, `sqlite:///abs/path`,
/// `sqlite:relative.db`).
/// - Parameter url: the database URL or path.
public func openStore(_ url: String) async throws -> any Store {
    if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
        return try await PostgresStore(url: url)
    }
    var path = url
    for prefix in ["sqlite://", "sqlite:"] where path.hasPrefix(prefix) {
        path.removeFirst(prefix.count)
        break
    }
    return try SQLiteStore(path: path)
}
