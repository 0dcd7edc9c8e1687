import Foundation

/// A free-form JSON value: items from an item source, tool arguments, event details.
///
/// Numbers are held as `Double`, so integers beyond 2^53 lose precision; carry such ids as
/// strings.
public enum JSONValue: Sendable, Hashable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The member of an object, or `nil`.
    /// - Parameter key: the member name.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The value at a dotted path such as `user.id`, `items.0.name` or `$.user.id`
    /// (numeric segments index arrays), or `nil` when the path leads nowhere.
    /// - Parameter path: the path; `$` or an empty path is the value itself.
    public func value(at path: String) -> JSONValue? {
        guard let segments = JSONValue.segments(of: path) else { return nil }
        var current = self
        for segment in segments {
            switch current {
            case .object(let o):
                guard let next = o[segment] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(segment), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// The segments of a dotted path, or `nil` when it is malformed (an empty segment).
    /// - Parameter path: `a.b.0`, optionally prefixed with `$.`.
    public static func segments(of path: String) -> [String]? {
        var text = Substring(path)
        if text == "$" || text.isEmpty { return [] }
        if text.hasPrefix("$.") { text = text.dropFirst(2) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else { return nil }
        return parts
    }

    /// The value as text: strings as they are, everything else as compact JSON.
    public var text: String {
        switch self {
        case .string(let s): return s
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        default:
            let data = (try? PacerJSON.encoder.encode(self)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// The value as Mustache sees it: dictionaries, arrays, strings, numbers (integers without
    /// a fraction), booleans; `null` is an empty string.
    public var templateValue: Any {
        switch self {
        case .null: ""
        case .bool(let b): b
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? Int(n) : n
        case .string(let s): s
        case .array(let a): a.map(\.templateValue)
        case .object(let o): o.mapValues(\.templateValue)
        }
    }
}
