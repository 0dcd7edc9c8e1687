import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    // SQLite plans a statement before its parameters are bound, so `?1 IS NULL OR ...` would
    // keep it from using an index: each page's statement holds only the clauses that apply.

    public func runs(_ query: RunQuery) async throws -> [Run] {
        var page = Page()
        if let id = query.scheduleID { page.add("schedule_id = ?", id) }
        if let status = query.status { page.add("status = ?", status.rawValue) }
        if let after = query.after { page.add("(scheduled_at, id) < (?, ?)", after.millis, after.id) }
        let sql = "SELECT * FROM runs\(page.whereClause) ORDER BY scheduled_at DESC, id DESC LIMIT \(max(0, query.limit))"
        return try await pool.read { [page] db in
            try Row.fetchAll(db, sql: sql, arguments: page.arguments).map(SQLiteSchema.run)
        }
    }

    public func sessions(_ query: SessionQuery) async throws -> [Session] {
        var page = Page()
        if let id = query.scheduleID { page.add("schedule_id = ?", id) }
        if let item = query.itemKey { page.add("item_key = ?", item) }
        if let state = query.state { page.add("state = ?", state.rawValue) }
        if let after = query.after { page.add("(created_at, id) < (?, ?)", after.millis, after.id) }
        let sql = "SELECT * FROM sessions\(page.whereClause) ORDER BY created_at DESC, id DESC LIMIT \(max(0, query.limit))"
        return try await pool.read { [page] db in
            try Row.fetchAll(db, sql: sql, arguments: page.arguments).map(SQLiteSchema.session)
        }
    }

    /// The conditions of one page query and their values.
    private struct Page: Sendable {
        var conditions: [String] = []
        var arguments = StatementArguments()

        mutating func add(_ condition: String, _ values: (any DatabaseValueConvertible & Sendable)...) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }

        var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
    }
}
