import Foundation

/// A test on a step's output, as data rather than code. On the wire a tagged object:
/// `{"kind": "all", "conditions": [{"kind": "contains", "value": "ok"}, ...]}`.
public indirect enum Condition: Sendable, Hashable, Codable {
    /// The output contains the text.
    case contains(String)
    /// The output equals the text (surrounding whitespace ignored).
    case equals(String)
    /// The output matches the regular expression.
    case matches(String)
    /// A value inside the output, parsed as JSON, compares with a value.
    case jsonPath(JSONPathTest)
    /// Every condition holds.
    case all([Condition])
    /// At least one condition holds.
    case any([Condition])
    /// The condition does not hold.
    case not(Condition)

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case contains, equals, matches, jsonPath = "json_path", all, any, not
        public static let wireName = "condition kind"
    }

    /// The tag of this case.
    public var kind: Kind {
        switch self {
        case .contains: .contains
        case .equals: .equals
        case .matches: .matches
        case .jsonPath: .jsonPath
        case .all: .all
        case .any: .any
        case .not: .not
        }
    }

    private enum Keys: String, CodingKey { case value, pattern, conditions, condition }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.kind(Kind.self)
        let c = try decoder.container(keyedBy: Keys.self)
        switch kind {
        case .contains: self = .contains(try c.decode(String.self, forKey: .value))
        case .equals: self = .equals(try c.decode(String.self, forKey: .value))
        case .matches: self = .matches(try c.decode(String.self, forKey: .pattern))
        case .jsonPath: self = .jsonPath(try JSONPathTest(from: decoder))
        case .all: self = .all(try c.decode([Condition].self, forKey: .conditions))
        case .any: self = .any(try c.decode([Condition].self, forKey: .conditions))
        case .not: self = .not(try c.decode(Condition.self, forKey: .condition))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try encoder.encodeKind(kind)
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .contains(let s), .equals(let s): try c.encode(s, forKey: .value)
        case .matches(let p): try c.encode(p, forKey: .pattern)
        case .jsonPath(let t): try t.encode(to: encoder)
        case .all(let list), .any(let list): try c.encode(list, forKey: .conditions)
        case .not(let inner): try c.encode(inner, forKey: .condition)
        }
    }

    /// Whether the condition holds for an output.
    /// - Parameter output: the text a step, command or request produced.
    public func evaluate(_ output: String) -> Bool {
        switch self {
        case .contains(let s): return output.contains(s)
        case .equals(let s): return output.trimmingCharacters(in: .whitespacesAndNewlines) == s
        case .matches(let p): return output.range(of: p, options: .regularExpression) != nil
        case .jsonPath(let t):
            let json = try? PacerJSON.decode(JSONValue.self, from: Data(output.utf8))
            return t.evaluate(json)
        case .all(let list): return list.allSatisfy { $0.evaluate(output) }
        case .any(let list): return list.contains { $0.evaluate(output) }
        case .not(let inner): return !inner.evaluate(output)
        }
    }

    func validate(at path: String, into v: inout Validator) {
        switch self {
        case .contains, .equals: break
        case .matches(let p):
            if p.count > 1000 || (try? NSRegularExpression(pattern: p)) == nil {
                v.fail(Validator.join(path, "pattern"), "'\(p)' is not a valid regular expression")
            }
        case .jsonPath(let t):
            if t.path.count > 1000 || JSONValue.segments(of: t.path) == nil || !t.path.hasPrefix("$") {
                v.fail(Validator.join(path, "path"), "'\(t.path)' is not a JSON path such as $.status or $.items.0.id")
            }
        case .all(let list), .any(let list):
            if list.isEmpty { v.fail(Validator.join(path, "conditions"), "must list at least one condition") }
            if list.count > 100 { return v.fail(Validator.join(path, "conditions"), "lists \(list.count) conditions; at most 100 are allowed") }
            for (i, c) in list.enumerated() { c.validate(at: Validator.join(path, "conditions[\(i)]"), into: &v) }
        case .not(let inner):
            inner.validate(at: Validator.join(path, "condition"), into: &v)
        }
    }
}

/// A comparison of the value at a JSON path (`$.status`, `$.items.0.id`) with a value.
public struct JSONPathTest: Sendable, Hashable, Codable {
    /// The comparisons.
    public enum Operator: String, WireEnum {
        case eq, ne, gt, gte, lt, lte, exists, contains
        public static let wireName = "json_path operator"
    }

    /// The path, starting with `$`.
    public var path: String
    /// The comparison (`eq` by default).
    public var op: Operator
    /// The value compared with; ignored by `exists`.
    public var value: JSONValue

    enum CodingKeys: String, CodingKey { case path, op, value }

    /// - Parameters:
    ///   - path: the path.
    ///   - op: the comparison.
    ///   - value: the value.
    public init(path: String, op: Operator = .eq, value: JSONValue = .null) {
        self.path = path
        self.op = op
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(path: try c.decode(String.self, forKey: .path), op: try c.decodeIfPresent(Operator.self, forKey: .op) ?? .eq,
                  value: try c.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null)
    }

    /// Whether the comparison holds for a document (`nil` when the output is not JSON).
    /// - Parameter document: the parsed output.
    public func evaluate(_ document: JSONValue?) -> Bool {
        guard let found = document?.value(at: path) else { return false }
        switch op {
        case .exists: return true
        case .eq: return found == value
        case .ne: return found != value
        case .contains:
            switch (found, value) {
            case (.string(let s), .string(let sub)): return s.contains(sub)
            case (.array(let a), _): return a.contains(value)
            default: return false
            }
        case .gt, .gte, .lt, .lte:
            guard case .number(let a) = found, case .number(let b) = value else { return false }
            switch op {
            case .gt: return a > b
            case .gte: return a >= b
            case .lt: return a < b
            default: return a <= b
            }
        }
    }
}
