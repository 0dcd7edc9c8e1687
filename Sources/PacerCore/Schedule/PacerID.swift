import Foundation

/// Ids of stored things: a kind prefix and 26 characters of lower-case Crockford base32
/// (48 bits of milliseconds, then 80 random bits), so ids sort by creation time.
/// `sch_01jq3v7m2k8x9c4d5e6f7g8h9j`.
public enum PacerID {
    /// The kind prefixes.
    public enum Kind: String, Sendable, CaseIterable {
        case schedule = "sch", run = "run", session = "ses", agent = "agt", monitor = "mon"
        case workflow = "wf", workflowRun = "wfr", event = "evt", token = "tok"
    }

    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// A new id.
    /// - Parameters:
    ///   - kind: what the id names.
    ///   - now: the creation instant (from the caller's clock).
    ///   - random: the source of the 80 random bits.
    public static func make(_ kind: Kind, at now: Date, using random: inout some RandomNumberGenerator) -> String {
        let millis = UInt64(max(0, min(now.timeIntervalSince1970 * 1000, Double(1 << 48 - 1))))
        var out: [UInt8] = []
        out.reserveCapacity(26)
        for i in stride(from: 45, through: 0, by: -5) { out.append(alphabet[Int((millis >> UInt64(i)) & 31)]) }
        let high = random.next() & 0xFFFF  // 16 bits
        let low = random.next()  // 64 bits
        for i in stride(from: 75, through: 0, by: -5) {
            let bits: UInt64 = i >= 64 ? high >> UInt64(i - 64) : (i > 59 ? (low >> UInt64(i)) | (high << UInt64(64 - i)) : low >> UInt64(i))
            out.append(alphabet[Int(bits & 31)])
        }
        return kind.rawValue + "_" + String(decoding: out, as: UTF8.self)
    }

    /// A new id from the system's random numbers.
    /// - Parameters:
    ///   - kind: what the id names.
    ///   - now: the creation instant.
    public static func make(_ kind: Kind, at now: Date) -> String {
        var random = SystemRandomNumberGenerator()
        return make(kind, at: now, using: &random)
    }
}
