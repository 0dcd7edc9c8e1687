import Foundation
import Mustache

/// A Mustache template (HTTP bodies, prompts), compiled once. Templates are compiled when a
/// schedule is saved so that parse errors are rejected then, not at fire time.
///
/// Values are inserted as plain text: a prompt or a JSON body is not HTML, so `"` and `<`
/// stay as they are (Mustache's HTML escaping would turn them into entities).
public struct Template: Sendable {
    /// Selects Mustache's text content type; put before the source, on its first line.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// The source text.
    public let source: String
    private let compiled: MustacheTemplate

    /// Compiles a template.
    /// - Parameter source: the template text.
    /// - Throws: ``TemplateError`` with the position and reason of a parse error.
    public init(_ source: String) throws(TemplateError) {
        self.source = source
        do {
            compiled = try MustacheTemplate(string: Self.textPragma + source)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber
            let column = line == 1 ? max(1, error.context.columnNumber - Self.textPragma.count) : error.context.columnNumber
            throw TemplateError(message: "line \(line), column \(column): \(error.error)")
        } catch {
            throw TemplateError(message: "\(error)")
        }
    }

    /// Renders with a context (see ``RunRequest/templateContext``). Missing keys render empty.
    /// - Parameter context: the values.
    public func render(_ context: [String: Any]) -> String {
        compiled.render(context)
    }

    /// Renders a URL template: every string inserted is percent-encoded (all but letters,
    /// digits and `-._~`), so a value fills a path segment or a query value and cannot add a
    /// segment, a query or a fragment of its own.
    public func renderURL(_ context: [String: Any]) -> String {
        compiled.render(Self.percentEncoded(context) as? [String: Any] ?? [:])
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func percentEncoded(_ value: Any) -> Any {
        switch value {
        case let text as String: text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        case let object as [String: Any]: object.mapValues(percentEncoded)
        case let array as [Any]: array.map(percentEncoded)
        default: value
        }
    }
}

/// Why a template did not compile.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where and why.
    public var message: String
    public var description: String { message }
}
