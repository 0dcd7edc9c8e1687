import Foundation
import GRDB
import PacerCore
import PacerStore

extension SQLiteStore {
    /// Writes the fingerprint of schedules stored before fingerprints were; nothing to do on
    /// later opens (one indexed read).
    static func fillFingerprints(_ pool: DatabasePool) throws {
        guard try pool.read({ try Bool.fetchOne($0, sql: "SELECT 1 FROM schedules WHERE fingerprint IS NULL LIMIT 1") }) == true
        else { return }
        try pool.write { db in
            for row in try Row.fetchAll(db, sql: "SELECT id, definition FROM schedules WHERE fingerprint IS NULL") {
                let schedule = try SQLiteSchema.schedule(row["definition"])
                try db.execute(sql: "UPDATE schedules SET fingerprint = ? WHERE id = ?", arguments: [schedule.fingerprint, row["id"] as String])
            }
        }
    }
}
