import ArgumentParser

/// `pacer schedule ...`: manage schedules in the store.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Add, list, change and run schedules.",
        discussion: """
            Schedules are addressed by name or id. Every command takes --database (a SQLite path or \
            a postgres:// URL; default $PACER_DATABASE, else ./pacer.db) and --json for scripts.
            """,
        subcommands: [
            ScheduleAddCommand.self, ScheduleListCommand.self, ScheduleShowCommand.self, ScheduleEditCommand.self,
            ScheduleRemoveCommand.self, SchedulePauseCommand.self, ScheduleResumeCommand.self, ScheduleRunCommand.self,
            ScheduleBackfillCommand.self, ScheduleHistoryCommand.self, ScheduleRevisionsCommand.self, ScheduleRollbackCommand.self,
        ]
    )
}

/// The author recorded on revisions made from the command line.
let cliAuthor = "cli"
