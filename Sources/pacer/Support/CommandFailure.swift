import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore
import PacerStoreURL

/// A command that could not do its work: the message goes to stderr as `pacer: <message>` and
/// the process exits with `status` (2 for bad input, 1 for anything else, such as an unknown
/// schedule).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    let status: Int32

    init(_ description: String, status: Int32 = 1) {
        self.description = description
        self.status = status
    }

    /// Bad input, exit status 2.
    static func usage(_ description: String) -> CommandFailure { CommandFailure(description, status: 2) }

    /// A validation failure, one line per field; `flag` names the command-line flag behind a
    /// wire field when there is one (`timing.timezone (--tz): unknown time zone ...`).
    static func invalid(_ error: PacerCore.ValidationError, flag: (String) -> String? = { _ in nil }) -> CommandFailure {
        let lines = error.errors.map { e in
            if let f = flag(e.field) { return "\(e.field) (\(f)): \(e.message)" }
            return e.description
        }
        return .usage(lines.joined(separator: "\npacer: "))
    }

    /// The failure an error from a store or a command stands for.
    static func from(_ error: any Error) -> (any Error)? {
        switch error {
        case let e as CommandFailure: return e
        case let e as PacerCore.ValidationError: return invalid(e)
        case let e as StoreError: return CommandFailure(describe(e))
        case OperationError.notFound(let kind, let reference): return CommandFailure("no \(kind) named '\(reference.prefix(200))'")
        case let e as OperationError: return CommandFailure(e.description)
        default: return nil
        }
    }

    static func describe(_ error: StoreError) -> String {
        switch error {
        case .scheduleNotFound(let id): "no schedule with id '\(id)'"
        case .revisionNotFound(_, let revision): "no revision \(revision) of this schedule"
        case .revisionConflict(_, let stored, let given):
            "the schedule was changed meanwhile (revision \(stored), not \(given)); try again"
        case .nameTaken(let name): "a schedule named '\(name)' exists already"
        case .corrupt(let what): "the store holds a row that cannot be read: \(what)"
        case .runNotFound(let id): "no run with id '\(id)'"
        case .duplicateRun: "a run for that instant exists already"
        case .leaseLost(let id): "run \(id) is held by another process"
        case .sessionNotFound(let id): "no session with id '\(id)'"
        case .notFound(let kind, let id): "no \(kind) with id '\(id)'"
        case .closed: "the store is closed"
        case .timedOut(let s): "the database did not answer within \(Int(s)) s; try again"
        }
    }

    /// Runs a command body, printing a failure as `pacer: <message>` and exiting with its status.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            guard let failure = from(error) as? CommandFailure else { throw error }
            Output.err("pacer: " + failure.description + "\n")
            throw ExitCode(failure.status)
        }
    }
}

/// `--database`, shared by every command that reads or writes schedules.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite file path or postgres:// URL (default: $PACER_DATABASE, else ./pacer.db).", valueName: "url-or-path"))
    var database: String?

    /// The database to open: the flag, else `PACER_DATABASE`, else `./pacer.db`.
    var resolved: String {
        if let database, !database.isEmpty { return database }
        if let env = ProcessInfo.processInfo.environment["PACER_DATABASE"], !env.isEmpty { return env }
        return "./pacer.db"
    }

    /// Opens the store, runs `body` and closes the store, also when `body` throws; failures are
    /// printed and turned into the process's exit status.
    func withStore(_ body: (any Store) async throws -> Void) async throws {
        try await CommandFailure.reporting {
            let store: any Store
            do {
                store = try await openStore(resolved)
            } catch {
                throw CommandFailure("cannot open the database '\(resolved)': \(error)")
            }
            do {
                try await body(store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

extension Store {
    /// The schedule with that name, or else that id.
    /// - Throws: ``CommandFailure`` (exit status 1): `no schedule named 'x'`.
    func schedule(named nameOrID: String) async throws -> Schedule {
        if let s = try await Lookup.schedule(nameOrID, in: self) { return s }
        throw CommandFailure("no schedule named '\(nameOrID)'")
    }
}

/// The current instant in whole milliseconds (what the store's JSON keeps).
func currentInstant() -> Date {
    Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
}
