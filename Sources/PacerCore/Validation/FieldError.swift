/// One thing wrong with one field of an input, with a dotted path (`timing.timezone`,
/// `policies.exclusions[1]`) and a message that names the bad value.
public struct FieldError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Dotted path of the field, in wire names.
    public var field: String
    /// What is wrong, without the path.
    public var message: String

    /// - Parameters:
    ///   - field: dotted path of the field.
    ///   - message: what is wrong, naming the bad value.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// An input rejected with every field error found, not just the first.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, in the order the fields were checked; never empty.
    public let errors: [FieldError]

    /// - Parameter errors: the field errors (at least one).
    public init(_ errors: [FieldError]) {
        precondition(!errors.isEmpty, "a ValidationError needs at least one field error")
        self.errors = errors
    }

    /// The paths of the fields at fault.
    public var fields: [String] { errors.map(\.field) }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}

/// A value that checks itself and reports every field error at once.
public protocol Validatable {
    /// Every field error of the value; empty when it is valid.
    func validate() -> [FieldError]
}

extension Validatable {
    /// Throws ``ValidationError`` with every field error when the value is not valid.
    public func requireValid() throws(ValidationError) {
        let errors = validate()
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}
