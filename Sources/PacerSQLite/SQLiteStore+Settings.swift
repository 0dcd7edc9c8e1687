import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    public func publishPolicy(_ policy: ServerPolicy) async throws {
        let text = try SQLiteSchema.json(policy)
        try await write(notify: false) { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", arguments: [policySettingKey, text])
        }
    }

    public func probeWrite(at: Date) async throws {
        let text = PacerJSON.format(at)
        try await write(notify: false) { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('health_probe', ?)", arguments: [text])
        }
    }

    public func publishedPolicy() async throws -> ServerPolicy? {
        let text = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [policySettingKey])
        }
        return try text.map { try PacerJSON.decode(ServerPolicy.self, from: Data($0.utf8)) }
    }
}
