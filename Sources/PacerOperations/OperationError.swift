/// An operation refused for a reason other than bad input (which is a
/// ``PacerCore/ValidationError``) or a store error: each surface maps it to its envelope
/// (HTTP 409, an MCP tool error, a CLI failure).
public enum OperationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request conflicts with what is stored; `field` names the input at fault, if any.
    case conflict(field: String?, message: String)
    /// Nothing of `kind` (`schedule`, `session`, `agent`) has that id or name.
    case notFound(kind: String, reference: String)
    /// What an input field names does not exist (a schedule's revision).
    case missing(field: String, message: String)

    public var description: String {
        switch self {
        case .conflict(_, let message): message
        case .notFound(let kind, let reference): "no \(kind) with id or name '\(reference.prefix(200))'"
        case .missing(_, let message): message
        }
    }

    /// The input field at fault, if any.
    public var field: String? {
        switch self {
        case .conflict(let field, _): field
        case .notFound: nil
        case .missing(let field, _): field
        }
    }
}
