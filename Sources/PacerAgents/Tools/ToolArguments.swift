import Foundation
import PacerCore

/// Typed reads of a tool's JSON arguments; a wrong one throws a ``ToolArgumentError`` that
/// names the argument, which the model reads as `{"ok": false, "error": ..., "field": ...}`.
/// Pacer's MCP tools read theirs with it too.
public struct ToolArguments: Sendable {
    public let object: [String: JSONValue]

    init(_ value: JSONValue) throws(ToolArgumentError) {
        guard case .object(let object) = value else { throw ToolArgumentError(field: nil, "arguments must be a JSON object") }
        self.object = object
    }

    /// - Parameter object: the arguments.
    public init(object: [String: JSONValue]) {
        self.object = object
    }

    public func has(_ name: String) -> Bool {
        if let value = object[name], value != .null { return true }
        return false
    }

    public func string(_ name: String, required: Bool = false, max: Int = 10_000) throws(ToolArgumentError) -> String? {
        guard let value = object[name], value != .null else {
            if required { throw ToolArgumentError(field: name, "is required") }
            return nil
        }
        guard case .string(let text) = value else { throw ToolArgumentError(field: name, "must be a string") }
        if required, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ToolArgumentError(field: name, "must not be empty")
        }
        if text.count > max { throw ToolArgumentError(field: name, "is \(text.count) characters long; at most \(max) are allowed") }
        return text
    }

    func number(_ name: String) throws(ToolArgumentError) -> Double? {
        guard let value = object[name], value != .null else { return nil }
        switch value {
        case .number(let n) where n.isFinite: return n
        case .string(let text):
            if let n = Double(text.trimmingCharacters(in: .whitespaces)), n.isFinite { return n }
            throw ToolArgumentError(field: name, "'\(text)' is not a number")
        default: throw ToolArgumentError(field: name, "must be a number")
        }
    }

    func integer(_ name: String) throws(ToolArgumentError) -> Int? {
        guard let n = try number(name) else { return nil }
        guard n == n.rounded(), abs(n) < 1e15 else { throw ToolArgumentError(field: name, "\(n) is not a whole number") }
        return Int(n)
    }

    public func bool(_ name: String) throws(ToolArgumentError) -> Bool? {
        guard let value = object[name], value != .null else { return nil }
        guard case .bool(let b) = value else { throw ToolArgumentError(field: name, "must be true or false") }
        return b
    }

    /// An RFC 3339 instant.
    func instant(_ name: String) throws(ToolArgumentError) -> Date? {
        guard let text = try string(name) else { return nil }
        guard let date = PacerJSON.parse(text) else {
            throw ToolArgumentError(field: name, "'\(text)' is not an ISO 8601 instant such as 2026-05-05T17:00:00Z")
        }
        return date
    }

    /// Seconds: a number, or a duration text such as `90s`, `15m`, `2h`, `1d`, `1h30m`.
    func seconds(_ name: String) throws(ToolArgumentError) -> Double? {
        guard let value = object[name], value != .null else { return nil }
        if case .string(let text) = value, Double(text) == nil {
            guard let s = Self.duration(text) else {
                throw ToolArgumentError(field: name, "'\(text)' is not a number of seconds or a duration such as 15m or 1h")
            }
            return s
        }
        return try number(name)
    }

    static func duration(_ text: String) -> Double? {
        var total = 0.0, digits = "", any = false
        for ch in text.lowercased() where !ch.isWhitespace {
            if ch.isNumber || ch == "." { digits.append(ch); continue }
            guard let n = Double(digits) else { return nil }
            switch ch {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86_400
            case "w": total += n * 604_800
            default: return nil
            }
            digits = ""
            any = true
        }
        return digits.isEmpty && any ? total : nil
    }
}

/// A tool argument that is missing or wrong.
public struct ToolArgumentError: Error, Sendable {
    public var field: String?
    public var message: String

    init(field: String?, _ message: String) {
        self.field = field
        self.message = message
    }

    var output: ToolOutput {
        guard let field else { return .failure(message) }
        return .failure("\(field): \(message)", ["field": .string(field)])
    }
}

extension JSONValue {
    /// Parses a JSON text (tool arguments as the model wrote them).
    static func parse(_ text: String) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .object([:]) }
        return try? PacerJSON.decode(JSONValue.self, from: Data(trimmed.utf8))
    }

    /// The compact JSON text of the value.
    var jsonText: String {
        guard let data = try? PacerJSON.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
