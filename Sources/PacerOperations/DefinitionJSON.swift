import Foundation
import PacerCore

/// Reading definitions (schedules, agents) given as JSON objects, the same for every surface:
/// each problem is a field error with its path, collected so that one answer names every field
/// at fault.
public enum DefinitionJSON {
    /// Decodes a value of `type` from a JSON value; a problem becomes a field error under `path`.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: String,
                                            words: DecodingProblem.Words = .json) -> (value: T?, error: FieldError?) {
        do {
            return (try PacerJSON.decode(type, from: PacerJSON.encode(value)), nil)
        } catch {
            return (nil, fieldError(error, at: path, words: words))
        }
    }

    /// A decoding error as a field error under `path` (`body` for the whole body).
    public static func fieldError(_ error: any Error, at path: String, words: DecodingProblem.Words = .json) -> FieldError {
        DecodingProblem.fieldError(error, at: path, words: words) { $0.isEmpty ? "body" : $0 }
    }

    /// Members of `input` (not `null`) that `encoded` (the decoded value written back) does
    /// not have: keys the types do not know, which would otherwise be dropped silently.
    public static func unknownKeys(_ input: JSONValue, _ encoded: JSONValue?, at path: String) -> [String] {
        switch input {
        case .object(let object):
            guard case .object(let known)? = encoded else { return [] }
            var out: [String] = []
            for key in object.keys.sorted() {
                let value = object[key]!
                if value == .null { continue }
                let sub = join(path, key)
                guard let other = known[key] else {
                    out.append(sub)
                    continue
                }
                out += unknownKeys(value, other, at: sub)
            }
            return out
        case .array(let array):
            guard case .array(let known)? = encoded else { return [] }
            return array.enumerated().flatMap { i, value in
                unknownKeys(value, i < known.count ? known[i] : nil, at: "\(path)[\(i)]")
            }
        default:
            return []
        }
    }

    /// `a` + `b` as `a.b`.
    public static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// A value as a JSON value (for unknown-key checks and merges).
    public static func json(_ value: some Encodable) throws -> JSONValue {
        try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(value))
    }

    /// A JSON merge patch (RFC 7386) with one rule for tagged unions: an object that names
    /// its `kind` replaces the stored value whole (an `http` target's `url` must not survive
    /// a change to a `command` target); without `kind` it is merged into it.
    public static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        if changes["kind"] != nil && changes["kind"] != .null { return removingNulls(patch) }
        guard case .object(var object) = target else { return removingNulls(patch) }
        for (key, value) in changes {
            if value == .null {
                object[key] = nil
            } else {
                object[key] = merge(object[key] ?? .null, value)
            }
        }
        return .object(object)
    }

    private static func removingNulls(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        return .object(object.filter { $0.value != .null }.mapValues(removingNulls))
    }

    /// The instants RFC 3339 can write: years 0001 to 9999.
    public static let writable = RuleShorthand.writable

    /// The current instant in whole milliseconds (what stored JSON keeps).
    public static func instant(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
