import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func createToken(_ token: APIToken) async throws -> APIToken {
        try token.requireValid()
        let created = PostgresSchema.millis(token.createdAt), used = token.lastUsedAt.map(PostgresSchema.millis)
        return try await write { c in
            do {
                try await c.query("DELETE FROM revoked_token_names WHERE name = \(token.name)", logger: self.logger)
                try await c.query("""
                    INSERT INTO tokens (id, name, scopes, hash, created_at, last_used_at)
                    VALUES (\(token.id), \(token.name), \(token.storedScopes), \(token.hash), \(created), \(used))
                    """, logger: self.logger)
            } catch where Self.sqlState(error)?.constraint == "tokens_name_key" {
                throw StoreError.nameTaken(token.name)
            } catch where Self.sqlState(error)?.constraint == "tokens_hash_key" {
                throw ValidationError([FieldError(field: "hash", message: "another token has this digest")])
            } catch where Self.sqlState(error)?.constraint == "tokens_pkey" {
                throw ValidationError([FieldError(field: "id", message: "'\(token.id)' is taken")])
            }
            return token
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await read("SELECT \(unescaped: Self.tokenColumns) FROM tokens ORDER BY name, id").map(Self.token)
    }

    public func token(hash: String) async throws -> APIToken? {
        try await read("SELECT \(unescaped: Self.tokenColumns) FROM tokens WHERE hash = \(hash)").first.map(Self.token)
    }

    @discardableResult
    public func deleteToken(nameOrID: String) async throws -> Bool {
        let at = PostgresSchema.millis(clock.now())
        return try await write { c in
            var deleted = try await c.query("DELETE FROM tokens WHERE name = \(nameOrID) RETURNING name", logger: self.logger).collect()
            if deleted.isEmpty {
                deleted = try await c.query("DELETE FROM tokens WHERE id = \(nameOrID) RETURNING name", logger: self.logger).collect()
            }
            guard let name = try deleted.first?.decode(String.self) else { return false }
            try await c.query("""
                INSERT INTO revoked_token_names (name, revoked_at) VALUES (\(name), \(at))
                ON CONFLICT (name) DO UPDATE SET revoked_at = EXCLUDED.revoked_at
                """, logger: self.logger)
            return true
        }
    }

    public func isRevokedTokenName(_ name: String) async throws -> Bool {
        try await read("SELECT EXISTS (SELECT 1 FROM revoked_token_names WHERE name = \(name))").first?.decode(Bool.self) ?? false
    }

    public func hasTokens() async throws -> Bool {
        try await read("SELECT EXISTS (SELECT 1 FROM tokens)").first?.decode(Bool.self) ?? false
    }

    public func touchToken(id: String, at: Date) async throws {
        let millis = PostgresSchema.millis(at)
        _ = try await read("""
            UPDATE tokens SET last_used_at = \(millis) WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < \(millis))
            """)
    }

    static let tokenColumns = "id, name, scopes, hash, created_at, last_used_at"

    static func token(_ row: PostgresRow) throws -> APIToken {
        let (id, name, scopes, hash, created, used) = try row.decode((String, String, String, String, Int64, Int64?).self)
        return APIToken(id: id, name: name, scopes: APIToken.scopes(stored: scopes), hash: hash,
                        createdAt: PostgresSchema.date(created)!, lastUsedAt: PostgresSchema.date(used))
    }
}
