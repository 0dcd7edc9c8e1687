import Mustache

/// A Mustache template (HTTP bodies, prompts), compiled once. Templates are compiled when a
/// schedule is saved so that parse errors are rejected then, not at fire time.
public struct Template: Sendable {
    /// The source text.
    public let source: String
    private let compiled: MustacheTemplate

    /// Compiles a template.
    /// - Parameter source: the template text.
    /// - Throws: ``TemplateError`` with the position and reason of a parse error.
    public init(_ source: String) throws(TemplateError) {
        self.source = source
        do {
            compiled = try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(message: "line \(error.context.lineNumber), column \(error.context.columnNumber): \(error.error)")
        } catch {
            throw TemplateError(message: "\(error)")
        }
    }

    /// Renders with a context (see ``RunRequest/templateContext``). Missing keys render empty.
    /// - Parameter context: the values.
    public func render(_ context: [String: Any]) -> String {
        compiled.render(context)
    }
}

/// Why a template did not compile.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where and why.
    public var message: String
    public var description: String { message }
}
