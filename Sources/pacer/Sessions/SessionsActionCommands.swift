import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer sessions cancel ID`: the shared cancel operation.
struct SessionsCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a pending, running or waiting session: it becomes cancelled and never wakes up again.",
        discussion: "A state_changed event (from, to, by) is recorded. A done, error or cancelled session cannot be cancelled.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session's id (ses_...).")
    var session: String

    @Flag(help: "Print the cancelled session as JSON.")
    var json = false

    func run() async throws {
        try await SessionAction.run(store, session, json: json, SessionOperations.cancel) { before, _ in
            "cancelled session \(before.id) (was \(before.state.rawValue))"
        }
    }
}

/// `pacer sessions resume ID`: wake a waiting session now.
struct SessionsResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Wake a waiting session now instead of at its resume_at, keeping its prompt and recurrence.",
        discussion: "A resume_requested event is recorded; a running pacer serve starts the session within a second.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session's id (ses_...).")
    var session: String

    @Flag(help: "Print the session as JSON.")
    var json = false

    func run() async throws {
        try await SessionAction.run(store, session, json: json, SessionOperations.resumeNow) { before, after in
            "session \(after.id) is due now (was \(before.resumeAt.map(PacerJSON.format) ?? "not set"))"
        }
    }
}

/// A session operation from the CLI: the session must exist, a refusal is bad input (exit 2).
enum SessionAction {
    static func run(_ options: StoreOptions, _ id: String, json: Bool,
                    _ operation: @escaping @Sendable (String, OperationContext) async throws -> Session,
                    text: @escaping @Sendable (Session, Session) -> String) async throws {
        try await options.withStore { store in
            let before = try await store.requireSession(id)
            let after: Session
            do {
                after = try await operation(before.id, try await PolicyCheck.operations(store))
            } catch OperationError.conflict(_, let message) {
                throw CommandFailure.usage(message)
            }
            if json { try JSONOutput.print(encodable: after) } else { Output.out(text(before, after) + "\n") }
        }
    }
}
