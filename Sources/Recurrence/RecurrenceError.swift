/// A rule that cannot be accepted, with the field at fault and a message that names it.
///
/// `description` reads like `minute: 60 is out of range 0-59`.
public struct RecurrenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault: a cron field (`minute`, `day-of-week`, ...), `expression`, `rule`,
    /// `timezone`, `starts_at`, ...
    public let field: String
    /// What is wrong, without the field name.
    public let message: String

    /// - Parameters:
    ///   - field: the field at fault.
    ///   - message: what is wrong with it.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
