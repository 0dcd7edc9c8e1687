import Foundation

/// An API token as stored: a unique name, what it may do, and the SHA-256 of its secret. The
/// secret itself (`pacer_` and 40 base32 characters) is shown once, when the token is made,
/// and kept nowhere.
public struct APIToken: Sendable, Hashable, Codable {
    /// The scopes a token may hold, in their canonical order: `read`, `write`, `run`, `admin`.
    public static let scopeNames = ["read", "write", "run", "admin"]
    /// What every secret starts with (so a leaked one is easy to recognise and to scan for).
    public static let secretPrefix = "pacer_"
    /// Characters of a secret after the prefix (200 random bits).
    public static let secretLength = 40
    /// The longest name.
    public static let maxNameLength = 64
    /// The name of the caller of a server without tokens; no token may take it.
    public static let reservedName = "local"

    /// `tok_...`.
    public var id: String
    /// Unique human name (`ci`, `dashboard`); the owner of what the token creates.
    public var name: String
    /// Scope names (``scopeNames``), without duplicates, in canonical order.
    public var scopes: [String]
    /// The SHA-256 of the secret as 64 lower-case hex digits.
    public var hash: String
    /// Created.
    public var createdAt: Date
    /// Last seen on a request (recorded at most about once a minute), `nil` when never used.
    public var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, hash
        case createdAt = "created_at", lastUsedAt = "last_used_at"
    }

    /// - Parameters:
    ///   - id: the id.
    ///   - name: unique name.
    ///   - scopes: scope names.
    ///   - hash: SHA-256 of the secret, lower-case hex.
    ///   - createdAt: created.
    ///   - lastUsedAt: last used.
    public init(id: String, name: String, scopes: [String], hash: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.hash = hash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// What may be shown about the token: everything but its hash.
    public var summary: TokenSummary {
        TokenSummary(id: id, name: name, scopes: scopes, createdAt: createdAt, lastUsedAt: lastUsedAt)
    }

    /// Whether `secret` is this token's secret (its digest compared in constant time).
    /// - Parameter secret: the presented secret.
    public func matches(secret: String) -> Bool {
        Self.constantTimeEquals(Self.hash(secret: secret), hash)
    }
}

/// A token without its hash: what `pacer tokens list` and `GET /v1/tokens` show.
public struct TokenSummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var scopes: [String]
    public var createdAt: Date
    public var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes
        case createdAt = "created_at", lastUsedAt = "last_used_at"
    }

    /// - Parameters:
    ///   - id: the id.
    ///   - name: the name.
    ///   - scopes: scope names.
    ///   - createdAt: created.
    ///   - lastUsedAt: last used.
    public init(id: String, name: String, scopes: [String], createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A token just made, with its secret: the only moment the secret exists. Encodes as
/// `{"id", "name", "scopes", "created_at", "token"}`.
public struct NewToken: Sendable, Encodable {
    /// The token to store.
    public var token: APIToken
    /// The secret, to show once.
    public var secret: String

    /// - Parameters:
    ///   - token: the token to store.
    ///   - secret: its secret.
    public init(token: APIToken, secret: String) {
        self.token = token
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, token
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token.id, forKey: .id)
        try c.encode(token.name, forKey: .name)
        try c.encode(token.scopes, forKey: .scopes)
        try c.encode(token.createdAt, forKey: .createdAt)
        try c.encode(secret, forKey: .token)
    }
}

extension APIToken {
    /// Makes a token and its secret from a name and scope names. Scopes given twice count
    /// once and are kept in canonical order.
    /// - Parameters:
    ///   - name: the name.
    ///   - scopes: scope names, at least one.
    ///   - now: the creation instant.
    ///   - random: the source of the id's and the secret's random bits.
    /// - Throws: `ValidationError` naming `name`, `scopes` or `scopes[i]`.
    public static func make(name: String, scopes: [String], at now: Date,
                            using random: inout some RandomNumberGenerator) throws(ValidationError) -> NewToken {
        let errors = nameErrors(name) + scopeErrors(scopes)
        if !errors.isEmpty { throw ValidationError(errors) }
        let secret = makeSecret(using: &random)
        let token = APIToken(id: PacerID.make(.token, at: now, using: &random), name: name,
                             scopes: scopeNames.filter(scopes.contains), hash: hash(secret: secret), createdAt: now)
        return NewToken(token: token, secret: secret)
    }

    /// ``make(name:scopes:at:using:)`` with the system's cryptographically secure generator.
    public static func make(name: String, scopes: [String], at now: Date) throws(ValidationError) -> NewToken {
        var random = SystemRandomNumberGenerator()
        return try make(name: name, scopes: scopes, at: now, using: &random)
    }

    /// A new secret: `pacer_` and 40 characters of lower-case Crockford base32 (PacerID's
    /// alphabet), 200 random bits.
    /// - Parameter random: the source of random bits (the system's generator in production).
    public static func makeSecret(using random: inout some RandomNumberGenerator) -> String {
        var out = Array(secretPrefix.utf8)
        for _ in 0..<secretLength { out.append(alphabet[Int(random.next() & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The stored form of a secret: its SHA-256 as lower-case hex.
    /// - Parameter secret: the secret.
    public static func hash(secret: String) -> String { Digests.sha256Hex(secret) }

    /// Whether a text has the shape of a secret (prefix, length, alphabet); a cheap check
    /// before a lookup.
    /// - Parameter text: the presented text.
    public static func isSecretShaped(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let prefix = Array(secretPrefix.utf8)
        guard bytes.count == prefix.count + secretLength, bytes.starts(with: prefix) else { return false }
        return bytes[prefix.count...].allSatisfy(alphabet.contains)
    }

    /// Compares two texts in time that depends only on their lengths (for digests, which are
    /// always 64 characters).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// PacerID's alphabet: lower-case Crockford base32.
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    // MARK: Validation

    /// The field errors of a token name: 1 to 64 of letters, digits, `.`, `_` and `-`,
    /// starting with a letter or digit, and not a name reserved for Pacer's own surfaces
    /// (``Privilege/reservedOwners``).
    /// - Parameter name: the name.
    public static func nameErrors(_ name: String, field: String = "name") -> [FieldError] {
        let bytes = Array(name.utf8)
        guard let first = bytes.first else { return [FieldError(field: field, message: "must not be empty")] }
        if bytes.count > maxNameLength {
            return [FieldError(field: field, message: "is \(name.count) characters long; at most \(maxNameLength) are allowed")]
        }
        func alphanumeric(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        guard alphanumeric(first), bytes.allSatisfy({ alphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 }) else {
            return [FieldError(field: field, message: "'\(name)' must be letters, digits, '.', '_' and '-', starting with a letter or digit")]
        }
        if Privilege.isReserved(name) {
            return [FieldError(field: field, message: "'\(name)' is reserved: \(Privilege.reservedOwners.sorted().joined(separator: ", ")) "
                               + "and agent:... own what Pacer's own surfaces make, so no token may take those names")]
        }
        return []
    }

    /// The field errors of a scope list: at least one, each one of ``scopeNames``.
    /// - Parameter scopes: the scope names.
    public static func scopeErrors(_ scopes: [String], field: String = "scopes") -> [FieldError] {
        if scopes.isEmpty {
            return [FieldError(field: field, message: "must list at least one scope (\(scopeNames.joined(separator: ", ")))")]
        }
        return scopes.enumerated().compactMap { i, scope in
            scopeNames.contains(scope) ? nil
                : FieldError(field: "\(field)[\(i)]", message: "'\(scope)' is not a scope; expected \(scopeNames.joined(separator: ", "))")
        }
    }
}

extension APIToken: Validatable {
    /// Every field error of the token.
    public func validate() -> [FieldError] {
        var v = Validator()
        v.check(id.hasPrefix(PacerID.Kind.token.rawValue + "_") && id.count > 4, "id", "'\(id)' is not a token id (tok_...)")
        for e in Self.nameErrors(name) + Self.scopeErrors(scopes) { v.fail(e.field, e.message) }
        if Set(scopes).count != scopes.count { v.fail("scopes", "lists a scope more than once") }
        v.check(hash.utf8.count == 64 && hash.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) },
                "hash", "must be 64 lower-case hex digits (the SHA-256 of the secret)")
        return v.errors
    }
}
