import Foundation
import PacerCore
import Yams

/// YAML as the Foundation objects `JSONSerialization` takes (`[String: Any]`, `[Any]`,
/// `String`, `Int`, `Double`, `Bool`, `NSNull`), so that a YAML document can be decoded with
/// the same Codable types as the JSON API.
enum YAMLTree {
    /// The document's root, or `nil` for an empty document.
    /// - Throws: the parser's error for text that is not YAML.
    static func parse(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text)
    }

    /// A node as a JSON-compatible value; problems (non-string keys, duplicate keys,
    /// non-finite numbers) are collected with their paths.
    static func value(_ node: Node, at path: String, errors: inout [FieldError]) -> Any {
        switch node {
        case .scalar(let scalar):
            return value(scalar, node: node, at: path, errors: &errors)
        case .sequence(let seq):
            return seq.enumerated().map { value($0.element, at: "\(path)[\($0.offset)]", errors: &errors) }
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    errors.append(FieldError(field: path.isEmpty ? "(root)" : path, message: "keys must be plain strings"))
                    continue
                }
                let key = keyScalar.string
                let child = join(path, key)
                if out[key] != nil {
                    errors.append(FieldError(field: child, message: "is given twice"))
                    continue
                }
                out[key] = value(valueNode, at: child, errors: &errors)
            }
            return out
        case .alias:
            errors.append(FieldError(field: path, message: "YAML aliases are not supported here"))
            return NSNull()
        }
    }

    private static func value(_ scalar: Node.Scalar, node: Node, at path: String, errors: inout [FieldError]) -> Any {
        // Quoted and block scalars are always text; plain ones follow the YAML resolver.
        guard scalar.style == .plain || scalar.style == .any else { return scalar.string }
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case .null: return NSNull()
        case .bool: return node.bool ?? scalar.string
        case .int: return node.int ?? scalar.string
        case .float:
            guard let d = node.float else { return scalar.string }
            guard d.isFinite else {
                errors.append(FieldError(field: path, message: "'\(scalar.string)' is not a finite number"))
                return NSNull()
            }
            return d
        default: return scalar.string
        }
    }

    /// `a` + `b` as `a.b`.
    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The keys of `input` (at any depth) that `encoded` does not have: what the decoder
    /// ignored, i.e. unknown keys. `null` values are not checked (optional members left out).
    static func unknownKeys(_ input: Any, _ encoded: Any?, at path: String) -> [String] {
        switch input {
        case let dict as [String: Any]:
            let known = encoded as? [String: Any] ?? [:]
            var out: [String] = []
            for key in dict.keys.sorted() {
                let value = dict[key]!
                if value is NSNull { continue }
                guard let other = known[key] else {
                    out.append(join(path, key))
                    continue
                }
                out += unknownKeys(value, other, at: join(path, key))
            }
            return out
        case let array as [Any]:
            let known = encoded as? [Any] ?? []
            return array.enumerated().flatMap { i, value in
                unknownKeys(value, i < known.count ? known[i] : nil, at: "\(path)[\(i)]")
            }
        default:
            return []
        }
    }
}
