import Foundation
import PacerCore
import PacerStore
import PostgresNIO

extension PostgresStore {
    public func publishPolicy(_ policy: ServerPolicy) async throws {
        let text = try PostgresSchema.json(policy)
        _ = try await read("""
            INSERT INTO settings (key, value) VALUES (\(policySettingKey), \(text))
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
            """)
    }

    public func probeWrite(at: Date) async throws {
        _ = try await read("""
            INSERT INTO settings (key, value) VALUES ('health_probe', \(PacerJSON.format(at)))
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
            """)
    }

    public func publishedPolicy() async throws -> ServerPolicy? {
        guard let text = try await read("SELECT value FROM settings WHERE key = \(policySettingKey)").first?.decode(String.self) else {
            return nil
        }
        return try PacerJSON.decode(ServerPolicy.self, from: Data(text.utf8))
    }
}
