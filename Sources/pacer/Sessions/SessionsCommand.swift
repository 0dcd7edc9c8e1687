import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// `pacer sessions ...`: audit and cancel agent sessions.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, read, cancel and wake agent sessions.",
        discussion: """
            A session is one agent conversation started by a schedule: its transcript, the tools it \
            called, its events, tokens and cost, and its link to the previous session of the same \
            schedule and item.

              pacer sessions list --schedule triage --state waiting
              pacer sessions show ses_01jq...      # the transcript, events and chain
              pacer sessions cancel ses_01jq...    # no more wake-ups
              pacer sessions resume ses_01jq...    # wake a waiting session now
            """,
        subcommands: [SessionsListCommand.self, SessionsShowCommand.self, SessionsCancelCommand.self, SessionsResumeCommand.self],
        aliases: ["session"]
    )
}

/// `pacer sessions list`: sessions, newest first.
struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sessions, newest first: state, agent, schedule, item, turns, tokens, cost and wake-up.",
        aliases: ["ls"])

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Only sessions of this schedule (name or id).", valueName: "schedule"))
    var schedule: String?

    @Option(help: ArgumentHelp("Only sessions of this item key.", valueName: "key"))
    var item: String?

    @Option(help: "Only sessions in this state: pending, running, waiting, done, error or cancelled.")
    var state: String?

    @Option(help: "How many sessions to list.")
    var limit: Int = 20

    @Flag(help: "Print a JSON array of sessions.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            guard limit >= 1 else { throw CommandFailure.usage("--limit: \(limit) must be at least 1") }
            let state: Session.State? = try self.state.map { try DefinitionOptions.choice($0, "--state") }
            var scheduleID: String?
            if let schedule { scheduleID = try await Self.scheduleID(schedule, store) }
            // The store filters by schedule and item; the state is filtered here.
            let fetched = try await store.sessions(scheduleID: scheduleID, itemKey: item, limit: state == nil ? limit : 100_000)
            let sessions = Array(fetched.filter { state == nil || $0.state == state }.prefix(limit))
            if json {
                try JSONOutput.print(encodable: sessions)
                return
            }
            if sessions.isEmpty {
                Output.out("no sessions" + (schedule != nil || item != nil || state != nil ? " match" : " yet") + "\n")
                return
            }
            let names = try await SessionNames(store)
            let now = Date()
            var table = Table("ID", "STATE", "AGENT", "SCHEDULE", "ITEM", "TURNS", "TOKENS IN/OUT", "COST", "RESUMES / UPDATED")
            for s in sessions {
                let when = s.state == .waiting && s.resumeAt != nil
                    ? "resumes " + ScheduleText.localWithDistance(s.resumeAt, now: now) : ScheduleText.local(s.updatedAt)
                table.add([s.id, s.state.rawValue, names.agent(s.agentID), names.schedule(s.scheduleID), s.itemKey ?? "-",
                           String(SessionText.turns(s)), "\(s.inputTokens)/\(s.outputTokens)", SessionText.cost(s.cost), when])
            }
            Output.out(table.text)
        }
    }

    /// The id of a schedule given by name or id; an id of a deleted schedule is taken as is,
    /// since its sessions outlive it.
    static func scheduleID(_ nameOrID: String, _ store: any Store) async throws -> String {
        let all = try await store.schedules()
        if let s = all.first(where: { $0.name == nameOrID }) ?? all.first(where: { $0.id == nameOrID }) { return s.id }
        if nameOrID.hasPrefix("sch_") { return nameOrID }
        throw CommandFailure.usage("--schedule: no schedule named '\(nameOrID)'")
    }
}

/// Agent and schedule names by id, for tables.
struct SessionNames {
    let agents: [String: String]
    let schedules: [String: String]

    init(_ store: any Store) async throws {
        var agents: [String: String] = [:]
        for a in try await store.agents() { agents[a.id] = a.name }
        var schedules: [String: String] = [:]
        for s in try await store.schedules() { schedules[s.id] = s.name }
        self.agents = agents
        self.schedules = schedules
    }

    /// The agent's name, or its id when it was deleted.
    func agent(_ id: String) -> String { agents[id] ?? id }

    /// The schedule's name, its id when it was deleted, or `-`.
    func schedule(_ id: String?) -> String {
        guard let id else { return "-" }
        return schedules[id] ?? id
    }
}
