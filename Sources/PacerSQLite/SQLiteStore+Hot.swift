import Foundation
import GRDB
import PacerCore
import PacerStore
import Recurrence
import Synchronization

/// What the claim path needs of a schedule, decoded once per revision instead of once per
/// fire: decoding a definition costs more than the rest of a claim.
final class ClaimPlanCache: Sendable {
    private let entries = Mutex<[String: (revision: Int, plan: ClaimPlan)]>([:])

    /// The claim plan of a schedule at a revision, decoding `definition` only when not cached.
    func plan(id: String, revision: Int, definition: () throws -> String) throws -> ClaimPlan {
        if let hit = entries.withLock({ $0[id] }), hit.revision == revision { return hit.plan }
        let plan = try ClaimPlan(stored: Data(try definition().utf8))
        entries.withLock { $0[id] = (revision, plan) }
        return plan
    }

    /// Keeps a plan built elsewhere from the same revision.
    func offer(_ plan: ClaimPlan, id: String, revision: Int) {
        entries.withLock { e in
            if let old = e[id], old.revision >= revision { return }
            e[id] = (revision, plan)
        }
    }
}

extension Database {
    /// Executes a statement from the connection's statement cache (compiled once).
    func executeCached(_ sql: String, _ arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Fetches one row with a cached statement.
    func fetchOneCached(_ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    /// Fetches rows with a cached statement.
    func fetchAllCached(_ sql: String, _ arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }
}
