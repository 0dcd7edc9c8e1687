import Foundation
import PacerCore

/// JSON plumbing the wire formats share: parsing a reply body, writing JSON text, and the
/// `.malformed` error that quotes the start of a body.
enum WireJSON {
    /// Most characters of a body quoted in an error message.
    static let excerptLength = 200

    /// Parses a body as JSON.
    /// - Parameters:
    ///   - data: the body.
    ///   - what: what the body should be, for the message (`a chat completion`).
    /// - Throws: `.malformed` when it is not JSON.
    static func parse(_ data: Data, as what: String) throws(ModelError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw malformed("the reply is not JSON (expected \(what))", data)
        }
    }

    /// A value as compact JSON text with sorted keys (a string becomes a quoted JSON string).
    /// - Parameter value: the value.
    static func text(_ value: JSONValue) -> String {
        let data = (try? PacerJSON.encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// A JSON text parsed, or `nil` when it is not JSON.
    /// - Parameter text: the text.
    static func value(of text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The start of a body on one line, at most ``excerptLength`` characters, `…` when cut.
    /// - Parameter data: the body.
    static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(excerptLength * 4), as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return "(empty body)" }
        return text.count > excerptLength || data.count > excerptLength * 4
            ? String(text.prefix(excerptLength)) + "…" : text
    }

    /// A `.malformed` error: what is wrong, then the start of the body.
    /// - Parameters:
    ///   - problem: what is wrong.
    ///   - data: the body.
    static func malformed(_ problem: String, _ data: Data) -> ModelError {
        ModelError(.malformed, "\(problem); the reply began: \(excerpt(data))")
    }

    /// A token count: a non-negative whole number, `0` when absent or of another type.
    /// - Parameter value: the member.
    static func count(_ value: JSONValue?) -> Int {
        guard case .number(let n)? = value, n.isFinite, n >= 0, n < 1e15 else { return 0 }
        return Int(n)
    }

    /// A string member, `nil` when absent or `null`.
    /// - Throws: `.malformed` when it has another type.
    static func string(_ value: JSONValue?, _ path: String, in data: Data) throws(ModelError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw malformed("\(path) is not a string", data)
        }
    }
}
