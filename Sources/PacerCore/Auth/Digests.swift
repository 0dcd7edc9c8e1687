import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, from swift-crypto: what API tokens are stored as, and
/// how a fire's idempotency key is made.
public enum Digests {
    /// The hex SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256Hex(_ text: String) -> String { sha256Hex(bytes: Array(text.utf8)) }

    /// The hex SHA-256 of `bytes`.
    public static func sha256Hex(bytes: some Collection<UInt8>) -> String {
        let digest = SHA256.hash(data: Array(bytes))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
