import Foundation
import PacerCore
import PacerStore

/// What every operation is given: who asks (their name owns what they create; their scopes
/// bound what they may define), the store, the server's settings and the clock.
public struct OperationContext: Sendable {
    public var caller: Caller
    public var store: any Store
    public var policy: ServerPolicy
    public var clock: any WallClock

    public init(caller: Caller, store: any Store, policy: ServerPolicy, clock: any WallClock) {
        self.caller = caller
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    /// The current instant in whole milliseconds (what stored JSON keeps).
    public var instant: Date { DefinitionJSON.instant(clock.now()) }

    /// The schedule with that id, or else that name.
    /// - Throws: ``OperationError/notFound(kind:reference:)``.
    public func schedule(_ reference: String) async throws -> Schedule {
        if let s = try await Lookup.schedule(reference, in: store) { return s }
        throw OperationError.notFound(kind: "schedule", reference: reference)
    }
}
