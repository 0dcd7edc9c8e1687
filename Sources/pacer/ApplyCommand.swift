import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// `pacer apply -f pacer.yaml`: schedules as code.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update schedules from a YAML file, by name.",
        discussion: """
            The file has an optional if_exists (update, skip or raise; default update) and a list \
            of schedules in the JSON API's format, with cron:, every:, rule:, at: and timezone: as \
            shorthands for timing. Applying the same file twice changes nothing. A file with any \
            error applies nothing.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The YAML file.", valueName: "file"))
    var file: String

    @Flag(help: "Show what would change without writing.")
    var dryRun = false

    @Flag(help: "Print the results as a JSON array.")
    var json = false

    func run() async throws {
        try await CommandFailure.reporting {
            let scheduleFile: ScheduleFile
            do {
                scheduleFile = try ScheduleFile.load(file, owner: cliAuthor)
            } catch let error as ScheduleFileError {
                throw CommandFailure.usage(error.lines.joined(separator: "\npacer: "))
            }
            try await store.withStore { store in
                let results: [ApplyResult]
                do {
                    results = try await scheduleFile.apply(to: store, now: currentInstant(), author: cliAuthor, dryRun: dryRun)
                } catch let error as ScheduleFileError {
                    throw CommandFailure.usage(error.lines.joined(separator: "\npacer: "))
                }
                if json {
                    try JSONOutput.print(JSONSerialization.jsonObject(with: PacerJSON.encode(results)))
                    return
                }
                var table = Table("ACTION", "NAME", "ID", "REVISION", "CHANGES")
                for r in results {
                    let action = dryRun && (r.action == .created || r.action == .updated) ? "would be \(r.action.rawValue)" : r.action.rawValue
                    table.add([action, r.name, r.scheduleID ?? "-", r.revision.map(String.init) ?? "-", r.changes.joined(separator: ", ")])
                }
                if !results.isEmpty { Output.out(table.text) }
                let count = { (a: ApplyResult.Action) in results.filter { $0.action == a }.count }
                Output.out("\(count(.created)) created, \(count(.updated)) updated, \(count(.unchanged)) unchanged, "
                           + "\(count(.skipped)) skipped" + (dryRun ? " (dry run: nothing written)" : "") + "\n")
            }
        }
    }
}
