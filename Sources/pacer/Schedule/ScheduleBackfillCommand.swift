import ArgumentParser
import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// `pacer schedule backfill`: the fires a rule would have made in a past window, queued now.
struct ScheduleBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run the fires a schedule would have made in a past window (a running `pacer serve` starts them).",
        discussion: """
            Queues one run (trigger backfill) per fire of the rule from --from to --to, both included, leaving out the \
            schedule's exclusions and the fires that ran already (so a backfill can be repeated). Nothing is dropped: \
            under the schedule's overlap policy, or --overlap, 'allow' runs them side by side, any other policy one at \
            a time; either way one of the server's --max-concurrent slots stays free for the schedules' own fires.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Option(help: ArgumentHelp("The start of the window, an RFC 3339 instant such as 2026-11-01T00:00:00Z.", valueName: "instant"))
    var from: String

    @Option(help: ArgumentHelp("The end of the window (included), not after now.", valueName: "instant"))
    var to: String

    @Option(help: ArgumentHelp("The overlap policy of the backfill's runs: skip, buffer_one, allow or cancel_previous (default: the schedule's).",
                               valueName: "policy"))
    var overlap: String?

    @Option(help: "Most fires the window may hold (default 10000, at most 100000).")
    var limit: Int?

    @Flag(help: "Print what was queued as JSON.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let request = try request()
            let s = try await store.schedule(named: schedule)
            let outcome: BackfillOutcome
            do {
                outcome = try await request.record(for: s, store: store, now: currentInstant())
            } catch let error as PacerCore.ValidationError {
                throw CommandFailure.invalid(error) { ["from": "--from", "to": "--to", "limit": "--limit"][$0] }
            }
            if json {
                try JSONOutput.print(try JSONOutput.object(JSONValue.object(outcome.json)))
                return
            }
            var line = "queued \(outcome.queued.count) backfill run\(outcome.queued.count == 1 ? "" : "s") of '\(s.name)' (overlap \(outcome.overlap.rawValue))"
            if outcome.alreadyRun > 0 { line += "; \(outcome.alreadyRun) fire\(outcome.alreadyRun == 1 ? " had" : "s had") run already" }
            if outcome.excluded > 0 { line += "; \(outcome.excluded) excluded" }
            Output.out(line + "\n")
        }
    }

    /// The request from the flags.
    /// - Throws: ``CommandFailure`` (exit status 2) naming the flag.
    func request() throws -> Backfill {
        func instant(_ text: String, _ flag: String) throws -> Date {
            guard let date = PacerJSON.parse(text) else {
                throw CommandFailure.usage("\(flag): '\(text)' is not an RFC 3339 instant such as 2026-11-01T00:00:00Z")
            }
            return date
        }
        var policy: OverlapPolicy?
        if let overlap {
            guard let p = OverlapPolicy(rawValue: overlap.replacingOccurrences(of: "-", with: "_")) else {
                throw CommandFailure.usage("--overlap: '\(overlap)' is not one of \(OverlapPolicy.choices)")
            }
            policy = p
        }
        return Backfill(from: try instant(from, "--from"), to: try instant(to, "--to"), overlap: policy, limit: limit)
    }
}
