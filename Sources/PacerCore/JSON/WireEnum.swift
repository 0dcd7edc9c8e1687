/// A closed set of names on the wire (`skip`, `buffer_one`, ...).
///
/// Decoding a name outside the set fails with a message naming the value and listing the
/// accepted ones, never a crash.
public protocol WireEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {
    /// What the value is called in error messages (`overlap policy`).
    static var wireName: String { get }
}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown \(Self.wireName) '\(raw)'; expected \(Self.choices)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// The accepted names, as `a, b or c`.
    public static var choices: String {
        let names = allCases.map(\.rawValue)
        guard names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}

/// The `kind` member that tells the cases of a tagged union apart on the wire.
enum KindKey: String, CodingKey {
    case kind
}

extension Decoder {
    /// The `kind` tag of a tagged union.
    func kind<K: WireEnum>(_ type: K.Type) throws -> K {
        try container(keyedBy: KindKey.self).decode(K.self, forKey: .kind)
    }
}

extension Encoder {
    /// Writes the `kind` tag of a tagged union beside the payload's own members.
    func encodeKind<K: WireEnum>(_ kind: K, _ payload: (any Encodable)? = nil) throws {
        var c = container(keyedBy: KindKey.self)
        try c.encode(kind, forKey: .kind)
        try payload?.encode(to: self)
    }
}
