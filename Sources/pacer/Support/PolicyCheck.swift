import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// The CLI's side of ``PacerCore/Privilege``: the CLI writes the store directly, with an
/// admin's scopes, and checks what it writes against the settings the server published to the
/// store (commands, environment variables, log directory), or against the closed policy when
/// no `pacer serve` has started on this store yet.
enum PolicyCheck {
    /// - Throws: ``CommandFailure`` (status 2) naming each field (and its flag) the settings refuse.
    static func require(_ schedule: Schedule, in store: any Store, flag: (String) -> String? = { _ in nil }) async throws {
        let published = try await store.publishedPolicy()
        var agent: Agent?
        if case .agent(let t) = schedule.target {
            agent = try await Lookup.agent(t.agent, in: store)
        }
        if let refusal = Privilege.check(schedule, agent: agent, scopes: [.admin], policy: published ?? .closed) {
            throw failure(refusal, published: published != nil, flag: flag)
        }
    }

    /// - Throws: ``CommandFailure`` (status 2) naming each field (and its flag) the settings refuse.
    static func require(_ agent: Agent, in store: any Store, flag: (String) -> String? = { _ in nil }) async throws {
        let published = try await store.publishedPolicy()
        if let refusal = Privilege.check(agent, replacing: nil, caller: "cli", scopes: [.admin], policy: published ?? .closed) {
            throw failure(refusal, published: published != nil, flag: flag)
        }
    }

    /// The context of an operation the CLI makes: the `cli` caller with every scope, bound by
    /// the settings the server published (closed until one has).
    static func operations(_ store: any Store) async throws -> OperationContext {
        OperationContext(caller: Caller(name: cliAuthor, scopes: Set(Scope.allCases)), store: store,
                         policy: try await store.publishedPolicy() ?? .closed, clock: SystemClock())
    }

    /// Runs an operation of the CLI: a refusal by the settings reads as ``require(_:in:flag:)``
    /// says it, a validation error names each field's flag.
    /// - Parameter flag: the flag behind a stored field, when there is one.
    static func run<T>(_ store: any Store, flag: (String) -> String? = { _ in nil },
                       _ body: (OperationContext) async throws -> T) async throws -> T {
        let context = try await operations(store)
        do {
            return try await body(context)
        } catch let refusal as Privilege.Refusal {
            throw failure(refusal, published: try await store.publishedPolicy() != nil, flag: flag)
        } catch let error as ValidationError {
            throw CommandFailure.invalid(error, flag: flag)
        }
    }

    private static func failure(_ refusal: Privilege.Refusal, published: Bool, flag: (String) -> String?) -> CommandFailure {
        let note = published ? "" : "\npacer: (no pacer serve has started on this store yet, so nothing is allowed; "
            + "its --allow-commands, --allow-env and --log-dir apply once it has)"
        switch refusal {
        case .forbidden(_, let field, let message):
            return .usage("\(field): \(message)" + note)
        case .invalid(let errors):
            let base = CommandFailure.invalid(ValidationError(errors), flag: flag)
            return .usage(base.description + note)
        }
    }
}
