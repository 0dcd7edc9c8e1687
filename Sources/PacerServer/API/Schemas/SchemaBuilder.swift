import Foundation
import PacerCore

/// Builds the JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the API's components.
///
/// Most types have two schemas from one description: what the server returns (`Timing`:
/// every member it always writes is required, members left out when unset are optional) and
/// what it accepts (`TimingInput`: only what has no default is required, an optional member
/// may be `null`, and unknown members are refused, as the server refuses them).
enum Schema {
    /// Which of the two schemas is being built.
    enum Variant: Sendable {
        /// What the server returns.
        case output
        /// What the server accepts.
        case input

        /// The component name in this variant (`Timing`, `TimingInput`).
        func name(_ base: String) -> String { self == .output ? base : base + "Input" }
    }

    /// Whether a member is in what the server returns.
    enum Presence: Sendable {
        /// Always written.
        case always
        /// Left out when unset.
        case whenSet
    }

    /// One member of an object schema.
    struct Member: Sendable {
        var name: String
        var schema: @Sendable (Variant) -> JSONValue
        var presence: Presence
        /// Required in requests.
        var required: Bool
        var description: String?

        /// A member whose schema is the same in both variants.
        init(_ name: String, _ schema: JSONValue, _ presence: Presence = .always, required: Bool = false, _ description: String? = nil) {
            self.name = name
            self.schema = { _ in schema }
            self.presence = presence
            self.required = required
            self.description = description
        }

        /// A member referring to a component with two variants.
        init(_ name: String, variant component: String, _ presence: Presence = .always, required: Bool = false, _ description: String? = nil) {
            self.name = name
            self.schema = { Schema.ref($0.name(component)) }
            self.presence = presence
            self.required = required
            self.description = description
        }

        /// A member whose schema depends on the variant.
        init(_ name: String, schema: @escaping @Sendable (Variant) -> JSONValue, _ presence: Presence = .always, required: Bool = false,
             _ description: String? = nil) {
            self.name = name
            self.schema = schema
            self.presence = presence
            self.required = required
            self.description = description
        }
    }

    /// `{"$ref": "#/components/schemas/NAME"}`.
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static let string: JSONValue = ["type": "string"]
    /// A string with something other than white space in it.
    static func text(max: Int? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["type": "string", "minLength": 1, "pattern": "\\S"]
        if let max { s["maxLength"] = .number(Double(max)) }
        return .object(s)
    }
    static let boolean: JSONValue = ["type": "boolean"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let any: JSONValue = [:]
    /// An absolute http or https URL.
    static let httpURL: JSONValue = ["type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+([/?#]\\S*)?$"]
    /// The name of an environment variable.
    static let envName: JSONValue = ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"]
    /// An absolute path.
    static let absolutePath: JSONValue = ["type": "string", "pattern": "^/"]

    static func integer(_ range: ClosedRange<Int>? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["type": "integer"]
        if let range {
            s["minimum"] = .number(Double(range.lowerBound))
            s["maximum"] = .number(Double(range.upperBound))
        }
        return .object(s)
    }

    static func integer(min: Int) -> JSONValue { ["type": "integer", "minimum": .number(Double(min))] }

    static func number(min: Double? = nil, max: Double? = nil, exclusiveMin: Double? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["type": "number"]
        if let min { s["minimum"] = .number(min) }
        if let max { s["maximum"] = .number(max) }
        if let exclusiveMin { s["exclusiveMinimum"] = .number(exclusiveMin) }
        return .object(s)
    }

    static func array(_ items: JSONValue, minItems: Int? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["type": "array", "items": items]
        if let minItems { s["minItems"] = .number(Double(minItems)) }
        return .object(s)
    }

    /// An object with free-form keys.
    static func map(_ values: JSONValue) -> JSONValue { ["type": "object", "additionalProperties": values] }

    /// A map of header names (RFC 9110 tokens) to `values`.
    static func headers(_ values: JSONValue) -> JSONValue {
        ["type": "object", "propertyNames": ["pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"], "additionalProperties": values]
    }

    /// The names of a wire enum.
    static func enumeration<E: WireEnum>(_ type: E.Type) -> JSONValue {
        ["type": "string", "enum": .array(E.allCases.map { .string($0.rawValue) })]
    }

    /// The names of a wire enum, or `null`.
    static func nullableEnumeration<E: WireEnum>(_ type: E.Type) -> JSONValue {
        ["type": ["string", "null"], "enum": .array(E.allCases.map { .string($0.rawValue) } + [.null])]
    }

    /// A schema that also allows `null`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        if case .object(var s) = schema, case .string(let type)? = s["type"], s["enum"] == nil, s["const"] == nil {
            s["type"] = [.string(type), "null"]
            return .object(s)
        }
        return ["anyOf": [schema, ["type": "null"]]]
    }

    /// An object schema in one variant.
    /// - Parameters:
    ///   - members: the members.
    ///   - variant: which schema.
    ///   - kind: the `kind` tag of a tagged union's case, required in both variants.
    ///   - description: what it is.
    static func object(_ members: [Member], _ variant: Variant, kind: String? = nil, description: String? = nil) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        if let kind {
            properties["kind"] = ["type": "string", "const": .string(kind)]
            required.append("kind")
        }
        for m in members {
            var schema = m.schema(variant)
            if variant == .input && !m.required { schema = nullable(schema) }
            if let d = m.description {
                if case .object(var o) = schema, o["$ref"] == nil {
                    o["description"] = .string(d)
                    schema = .object(o)
                } else {
                    schema = ["allOf": [schema], "description": .string(d)]
                }
            }
            properties[m.name] = schema
            if variant == .output ? m.presence == .always : m.required { required.append(.string(m.name)) }
        }
        var s: [String: JSONValue] = ["type": "object", "properties": .object(properties), "required": .array(required)]
        if variant == .input { s["additionalProperties"] = false }
        if let description { s["description"] = .string(description) }
        return .object(s)
    }

    /// Both variants of an object component: `NAME` and `NAMEInput`.
    static func objects(_ name: String, _ members: [Member], kind: String? = nil, description: String? = nil) -> [String: JSONValue] {
        [name: object(members, .output, kind: kind, description: description),
         name + "Input": object(members, .input, kind: kind, description: description)]
    }

    /// Both variants of a tagged union: one of its cases, told apart by `kind`.
    /// - Parameters:
    ///   - name: the union's component name.
    ///   - cases: each `kind` with the component name of its case.
    static func union(_ name: String, _ cases: [(kind: String, component: String)], description: String) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for variant in [Variant.output, .input] {
            out[variant.name(name)] = [
                "description": .string(description),
                "oneOf": .array(cases.map { ref(variant.name($0.component)) }),
                "discriminator": ["propertyName": "kind",
                                  "mapping": .object(Dictionary(uniqueKeysWithValues: cases.map {
                                      ($0.kind, .string("#/components/schemas/\(variant.name($0.component))"))
                                  }))],
            ]
        }
        return out
    }

    /// Merges component tables.
    static func merged(_ tables: [String: JSONValue]...) -> [String: JSONValue] {
        tables.reduce(into: [:]) { all, table in all.merge(table) { first, _ in first } }
    }
}
