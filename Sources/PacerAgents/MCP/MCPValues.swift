import Foundation
import MCP
import PacerCore

/// Conversions between Pacer's JSON values and the MCP SDK's, and the text a model reads
/// of a tool result.
enum MCPValues {
    /// An SDK value as Pacer JSON (binary data becomes its data-URL text).
    /// - Parameter value: the SDK value.
    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .string(let s): return .string(s)
        case .data(let mimeType, let data):
            return .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let a): return .array(a.map(json))
        case .object(let o): return .object(o.mapValues(json))
        }
    }

    /// Pacer JSON as an SDK value (whole numbers as integers).
    /// - Parameter value: the Pacer value.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 9_007_199_254_740_992 { return .int(Int(n)) }
            return .double(n)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(value))
        case .object(let o): return .object(o.mapValues(value))
        }
    }

    /// A tool's input schema as the model is offered it: always an object schema.
    /// - Parameter schema: the server's JSON Schema.
    static func inputSchema(_ schema: Value) -> JSONValue {
        guard case .object(var o) = json(schema) else { return ["type": "object", "properties": [:]] }
        if o["type"] == nil { o["type"] = "object" }
        if o["type"] == "object", o["properties"] == nil { o["properties"] = .object([:]) }
        return .object(o)
    }

    /// The text of a tool result: text parts joined by newlines, other parts summarised.
    /// - Parameter content: the result's content.
    static func text(_ content: [Tool.Content]) -> String {
        content.map { part in
            switch part {
            case .text(let text, _, _):
                return text
            case .image(let data, let mimeType, _, _):
                return "[image \(mimeType), \(approximateBytes(data)) bytes]"
            case .audio(let data, let mimeType, _, _):
                return "[audio \(mimeType), \(approximateBytes(data)) bytes]"
            case .resource(let resource, _, _):
                if let text = resource.text { return text }
                return "[resource \(resource.uri)\(resource.mimeType.map { ", \($0)" } ?? ""), "
                    + "\(approximateBytes(resource.blob ?? "")) bytes]"
            case .resourceLink(let uri, let name, _, let description, let mimeType, _):
                var out = "[resource link \(name): \(uri)"
                if let mimeType { out += ", \(mimeType)" }
                if let description { out += " (\(description))" }
                return out + "]"
            }
        }.joined(separator: "\n")
    }

    /// What the model reads of a successful call: the text parsed as JSON when it is a JSON
    /// object or array (so a JSON answer is not re-quoted), else the text itself; with no
    /// content, the structured content.
    /// - Parameters:
    ///   - content: the result's content.
    ///   - structured: its structured content.
    static func result(_ content: [Tool.Content], structured: Value?) -> JSONValue {
        if content.isEmpty, let structured { return json(structured) }
        let text = text(content)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("["),
           let parsed = try? PacerJSON.decode(JSONValue.self, from: Data(trimmed.utf8)) {
            return parsed
        }
        return .string(text)
    }

    /// The decoded size of base64 text.
    private static func approximateBytes(_ base64: String) -> Int { base64.utf8.count * 3 / 4 }
}
