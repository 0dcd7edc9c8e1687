import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer schedule add`: create a schedule from flags.
struct ScheduleAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a schedule.",
        discussion: """
            pacer schedule add --name ping --every 30s --http https://example.com/hook
            pacer schedule add --name report --cron "0 9 * * 1-5" --tz Europe/Berlin \\
                --command ./report.sh
            pacer schedule add --name triage --every 15m --agent helper \\
                --prompt "Triage {{item.title}}" --max-cost 0.50 --max-lifetime 2d \\
                --per-item --items-url https://example.com/issues --item-key id \\
                --notify webhook:https://example.com/started
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var definition: DefinitionOptions

    @Flag(help: "Print the stored schedule as JSON.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let now = currentInstant()
            let schedule = try definition.newSchedule(now: now, cwd: FileManager.default.currentDirectoryPath)
            try await store.withStore { store in
                let created = try await Self.naming {
                    try await PolicyCheck.run(store, flag: definition.flag(for:)) {
                        try await ScheduleOperations.create(schedule, deduplicate: false, in: $0).schedule
                    }
                }
                let state = try await store.state(scheduleID: created.id)
                if json {
                    try JSONOutput.print(JSONOutput.schedule(created, state: state))
                } else {
                    Output.out("created schedule '\(created.name)' (\(created.id)); next fire "
                               + ScheduleText.localWithDistance(state?.nextFireAt, now: now) + "\n")
                }
            }
        }
    }
}

extension ScheduleAddCommand {
    /// Runs a write, a taken name read as bad input naming `--name`.
    static func naming<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch StoreError.nameTaken(let name) {
            throw CommandFailure.usage("name (--name): a schedule named '\(name)' exists already")
        }
    }
}

/// `pacer schedule edit`: change the flags given, as a new revision.
struct ScheduleEditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a schedule; only the flags given change. Records a new revision.",
        discussion: """
            pacer schedule edit ping --every 1m --method POST
            pacer schedule edit triage --prompt-file prompts/triage.md --max-cost default
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @OptionGroup var definition: DefinitionOptions

    @Flag(help: "Print the stored schedule as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let stored = try await store.schedule(named: schedule)
            let now = currentInstant()
            var edited = stored
            try definition.apply(to: &edited, cwd: FileManager.default.currentDirectoryPath, creating: false)
            let patched = try await ScheduleAddCommand.naming {
                try await PolicyCheck.run(store, flag: definition.flag(for:)) {
                    try await ScheduleOperations.replace(stored, with: edited, in: $0)
                }
            }
            guard patched.changed else {
                if json {
                    try JSONOutput.print(JSONOutput.schedule(stored, state: try await store.state(scheduleID: stored.id)))
                } else {
                    Output.out("schedule '\(stored.name)' unchanged (revision \(stored.revision))\n")
                }
                return
            }
            let saved = patched.schedule
            let state = try await store.state(scheduleID: saved.id)
            if json {
                try JSONOutput.print(JSONOutput.schedule(saved, state: state))
            } else {
                Output.out("updated schedule '\(saved.name)' to revision \(saved.revision); next fire "
                           + ScheduleText.localWithDistance(state?.nextFireAt, now: now) + "\n")
            }
        }
    }
}
