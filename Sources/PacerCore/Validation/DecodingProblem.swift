import Foundation

/// The one reading of a `DecodingError` as a field error, for every surface: the API's and the
/// MCP tools' JSON, the YAML of `pacer apply`, and ``PacerJSON/describe(_:)``.
public enum DecodingProblem {
    /// How kinds of values are called: JSON's arrays and objects, or YAML's lists and mappings.
    public enum Words: Sendable {
        case json, yaml
    }

    /// The field error of a decoding error under `path`.
    /// - Parameters:
    ///   - error: what decoding threw (anything else is described as it is, at `path`).
    ///   - path: the path of the value that was decoded (`""` for a whole body).
    ///   - words: how kinds of values are called.
    ///   - rename: the surface's name for a wire path (an argument, a flag, `body` for `""`).
    public static func fieldError(_ error: any Error, at path: String, words: Words = .json,
                                  rename: (String) -> String = { $0 }) -> FieldError {
        guard let error = error as? DecodingError else { return FieldError(field: rename(path), message: String(describing: error)) }
        func field(_ keys: [any CodingKey]) -> String { rename(join(path, keys)) }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(field: field(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            return FieldError(field: field(context.codingPath), message: "expected \(typeName(type, words))")
        case .valueNotFound(let type, let context):
            return FieldError(field: field(context.codingPath), message: "expected \(typeName(type, words)), found null")
        case .dataCorrupted(let context) where context.codingPath.isEmpty && context.debugDescription.contains("does not fit"):
            // Foundation reports a number that does not fit its field (5.5 or 1e20 for a count)
            // without a path.
            return FieldError(field: field([]), message: "a number does not fit its field: counts must be whole numbers in range")
        case .dataCorrupted(let context):
            return FieldError(field: field(context.codingPath), message: context.debugDescription)
        @unknown default:
            return FieldError(field: field([]), message: "does not match")
        }
    }

    /// `path` followed by coding keys: `.name` for a member, `[i]` for an element.
    public static func join(_ path: String, _ keys: [any CodingKey]) -> String {
        var out = path
        for key in keys {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }

    /// What a value of `type` is called in a message.
    public static func typeName(_ type: Any.Type, _ words: Words = .json) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Date.Type: return "an RFC 3339 instant"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return words == .json ? "an array" : "a list" }
            return words == .json ? "an object" : "a mapping"
        }
    }
}
