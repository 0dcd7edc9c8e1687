import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    public func createToken(_ token: APIToken) async throws -> APIToken {
        try token.requireValid()
        return try await write { db in
            do {
                try db.execute(sql: "DELETE FROM revoked_token_names WHERE name = ?", arguments: [token.name])
                try db.execute(sql: """
                    INSERT INTO tokens (id, name, scopes, hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [token.id, token.name, token.storedScopes, token.hash, SQLiteSchema.millis(token.createdAt),
                                     token.lastUsedAt.map(SQLiteSchema.millis)])
            } catch let error as DatabaseError where SQLiteSchema.isUnique(error, "tokens.name") {
                throw StoreError.nameTaken(token.name)
            } catch let error as DatabaseError where SQLiteSchema.isUnique(error, "tokens.hash") {
                throw ValidationError([FieldError(field: "hash", message: "another token has this digest")])
            } catch let error as DatabaseError where SQLiteSchema.isUnique(error, "tokens.id") {
                throw ValidationError([FieldError(field: "id", message: "'\(token.id)' is taken")])
            }
            return token
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY name, id").map(Self.token)
        }
    }

    public func token(hash: String) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE hash = ?", arguments: [hash]).map(Self.token)
        }
    }

    @discardableResult
    public func deleteToken(nameOrID: String) async throws -> Bool {
        let at = SQLiteSchema.millis(clock.now())
        return try await write { db in
            let name = try String.fetchOne(db, sql: "SELECT name FROM tokens WHERE name = ?", arguments: [nameOrID])
                ?? String.fetchOne(db, sql: "SELECT name FROM tokens WHERE id = ?", arguments: [nameOrID])
            guard let name else { return false }
            try db.execute(sql: "DELETE FROM tokens WHERE name = ?", arguments: [name])
            try db.execute(sql: "INSERT OR REPLACE INTO revoked_token_names (name, revoked_at) VALUES (?, ?)",
                           arguments: [name, at])
            return true
        }
    }

    public func isRevokedTokenName(_ name: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM revoked_token_names WHERE name = ?)", arguments: [name]) ?? false
        }
    }

    public func hasTokens() async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tokens)") ?? false }
    }

    public func touchToken(id: String, at: Date) async throws {
        let millis = SQLiteSchema.millis(at)
        try await write(notify: false) { db in
            try db.execute(sql: """
                UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)
                """, arguments: [millis, id, millis])
        }
    }

    static func token(_ row: Row) -> APIToken {
        APIToken(id: row["id"], name: row["name"], scopes: APIToken.scopes(stored: row["scopes"]), hash: row["hash"],
                 createdAt: SQLiteSchema.date(row["created_at"])!, lastUsedAt: SQLiteSchema.date(row["last_used_at"]))
    }
}
