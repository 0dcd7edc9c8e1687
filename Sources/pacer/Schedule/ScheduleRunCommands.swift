import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer schedule run`: Run Now. Records a queued manual run that a running server picks up.
struct ScheduleRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a schedule now (a running `pacer serve` picks the run up); prints the run id.",
        discussion: """
            With --wait, waits for the run to finish and exits 1 unless it succeeded. When no `pacer serve` holds the \
            SQLite file, --wait runs the fire in this process instead, as the server would (its runners, its \
            settings as the server last published them, the schedule's timeout and delivery), and says so; agents \
            reach no MCP servers there. With PostgreSQL the servers run it.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Flag(help: "Wait until the run is over.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait, give up after this long (default: 10m).", valueName: "duration"))
    var timeout: String = "10m"

    @Flag(help: "Print the run as JSON (the finished run with --wait).")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let limit = try DefinitionOptions.duration(timeout, "--timeout")
            let s = try await store.schedule(named: schedule)
            // With --wait and no server on the store, the fire runs here.
            let lock = wait ? try LocalRun.lockIfNoServer(self.store.resolved) : nil
            defer { lock?.release() }
            if lock != nil, s.dispatch.mode == .perItem {
                throw CommandFailure("'\(s.name)' fans out per item, and its item runs need a server: start pacer serve, then run it")
            }
            var run = try await RunNow.queue(s, store: store, now: Date())
            if !wait {
                if json { try JSONOutput.print(encodable: run) } else { Output.out(run.id + "\n") }
                return
            }
            if !json {
                Output.out(run.id + "\n")
                Output.out(lock == nil ? "queued for the `pacer serve` on this database\n"
                                       : "running here: no `pacer serve` holds \(self.store.resolved)\n")
            }
            if lock != nil {
                run = try await LocalRun.execute(run, store: store, timeout: limit)
            } else {
                run = try await Self.waitForServer(run, store: store, limit: limit)
            }
            if json { try JSONOutput.print(encodable: run) } else {
                Output.out("\(run.status.rawValue) in \(ScheduleText.duration(run))\n")
                if let session = run.sessionID { Output.out("session \(session) (pacer sessions show \(session))\n") }
                if let output = run.output, !output.isEmpty { Output.out(output.hasSuffix("\n") ? output : output + "\n") }
            }
            if run.status != .succeeded {
                throw CommandFailure("run \(run.id) \(run.status.rawValue)" + (run.error.map { ": \($0)" } ?? ""))
            }
        }
    }

    /// Waits for a server to finish the run.
    /// - Throws: ``CommandFailure`` after `limit` seconds.
    static func waitForServer(_ queued: Run, store: any Store, limit: TimeInterval) async throws -> Run {
        var run = queued
        let deadline = Date().addingTimeInterval(limit)
        while !run.status.isTerminal {
            guard Date() < deadline else {
                throw CommandFailure("run \(run.id) is still \(run.status.rawValue) after \(DurationText.human(limit)); is `pacer serve` running?")
            }
            try await Task.sleep(for: .milliseconds(200))
            guard let latest = try await store.run(id: run.id) else {
                throw CommandFailure("run \(run.id) was deleted while waiting")
            }
            run = latest
        }
        return run
    }
}

/// `pacer schedule history`: a schedule's runs, newest first.
struct ScheduleHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "List a schedule's runs, newest first.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Option(help: "How many runs to list.")
    var limit: Int = 20

    @Flag(help: "Print a JSON array of runs.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            guard limit >= 1 else { throw CommandFailure.usage("--limit: \(limit) must be at least 1") }
            let s = try await store.schedule(named: schedule)
            let runs = try await store.runs(scheduleID: s.id, limit: limit)
            if json {
                try JSONOutput.print(encodable: runs)
                return
            }
            if runs.isEmpty {
                Output.out("no runs of '\(s.name)' yet\n")
                return
            }
            // A fire's continuations and retries are listed together, under its scheduled instant.
            var table = Table("SCHEDULED", "RUN", "STATUS", "STEP", "ATTEMPT", "TRIGGER", "DURATION", "DETAIL")
            for r in runs {
                let detail = Table.excerpt(r.error ?? r.output ?? r.deliveryError.map { "delivery: " + $0 })
                table.add([ScheduleText.local(r.scheduledAt), r.id, r.status.rawValue, String(r.step), String(r.attempt),
                           r.trigger.rawValue, ScheduleText.duration(r), detail])
            }
            Output.out(table.text)
        }
    }
}
