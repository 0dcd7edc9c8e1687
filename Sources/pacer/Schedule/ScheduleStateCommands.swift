import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer schedule rm`: delete a schedule with its runs (its revisions stay as history).
struct ScheduleRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Delete a schedule and its runs.", aliases: ["remove", "delete"])

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Flag(help: "Accepted for scripts; rm never asks.")
    var yes = false

    @Flag(help: "Print {\"deleted\": id} as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s = try await PolicyCheck.run(store) { try await ScheduleOperations.delete(schedule, in: $0) }
            if json { try JSONOutput.print(["deleted": s.id, "name": s.name]) } else {
                Output.out("deleted schedule '\(s.name)' (\(s.id))\n")
            }
        }
    }
}

/// `pacer schedule pause`: stop firing until resumed.
struct SchedulePauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a schedule.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Option(help: "Why it is paused (shown in list and show; default: paused by cli).")
    var reason: String?

    @Flag(help: "Print the schedule's state as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s: Schedule
            do {
                s = try await ScheduleOperations.pause(schedule, reason: reason, in: try await PolicyCheck.operations(store))
            } catch let error as PacerCore.ValidationError {
                throw CommandFailure.usage(error.errors.map { "--\($0.field): \($0.message)" }.joined(separator: "\npacer: "))
            }
            let why = try await store.state(scheduleID: s.id)?.pausedReason ?? ""
            try await Self.report(s, store, json: json, "paused schedule '\(s.name)': \(why)")
        }
    }

    static func report(_ s: Schedule, _ store: any Store, json: Bool, _ text: String) async throws {
        if json {
            try JSONOutput.print(JSONOutput.object(try await store.state(scheduleID: s.id)))
        } else {
            Output.out(text + "\n")
        }
    }
}

/// `pacer schedule resume`: fire again, with the failure count cleared.
struct ScheduleResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused schedule.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Flag(help: "Print the schedule's state as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s = try await PolicyCheck.run(store) { try await ScheduleOperations.resume(schedule, in: $0) }
            try await SchedulePauseCommand.report(s, store, json: json, "resumed schedule '\(s.name)'")
        }
    }
}

/// `pacer schedule revisions`: the recorded definitions of a schedule.
struct ScheduleRevisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revisions", abstract: "List a schedule's revisions, oldest first.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Flag(help: "Print a JSON array of revisions with their snapshots.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s = try await store.schedule(named: schedule)
            let revisions = try await store.revisions(scheduleID: s.id)
            if json {
                try JSONOutput.print(encodable: revisions)
                return
            }
            var table = Table("REVISION", "CREATED", "AUTHOR", "NAME", "RULE", "TARGET")
            for r in revisions {
                table.add([String(r.revision) + (r.revision == s.revision ? " *" : ""), ScheduleText.local(r.createdAt),
                           r.author, r.snapshot.name, ScheduleText.rule(r.snapshot.timing), ScheduleText.target(r.snapshot.target)])
            }
            Output.out(table.text)
        }
    }
}

/// `pacer schedule rollback --to N`: restore a past definition as a new revision.
struct ScheduleRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Restore a past revision's definition as a new revision.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Option(help: "The revision to restore (see revisions).")
    var to: Int

    @Flag(help: "Print the stored schedule as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            guard to >= 1 else { throw CommandFailure.usage("--to: \(to) must be at least 1") }
            let restored = try await PolicyCheck.run(store) { try await ScheduleOperations.rollback(schedule, to: to, in: $0) }
            if json {
                try JSONOutput.print(JSONOutput.schedule(restored, state: try await store.state(scheduleID: restored.id)))
            } else {
                Output.out("rolled schedule '\(restored.name)' back to revision \(to), as revision \(restored.revision)\n")
            }
        }
    }
}
