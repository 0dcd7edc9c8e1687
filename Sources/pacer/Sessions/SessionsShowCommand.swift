import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// `pacer sessions show ID`: the session as an operator audits it.
struct SessionsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a session: header, transcript with tool calls and results, events and the chain of earlier sessions.",
        discussion: """
            The header holds the state, agent, schedule, item, wake-up (resume_at and its prompt), \
            recurrence, tokens and cost (4 decimals). The transcript lists each message in order: \
            user and assistant text, each tool call the assistant asked for with its arguments, and \
            each tool result with its duration and error flag. The chain lists the earlier sessions \
            of the same schedule and item, newest first, marking the previous_session_id link.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The session's id (ses_...).")
    var session: String

    @Flag(help: "Print the session as JSON, with its chain.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s = try await store.requireSession(session)
            let chain = try await Self.chain(of: s, store)
            if json {
                var o = try JSONOutput.object(s) as! [String: Any]
                o["chain"] = chain.map { ["id": $0.id, "state": $0.state.rawValue, "created_at": PacerJSON.format($0.createdAt),
                                          "cost": $0.cost] as [String: Any] }
                try JSONOutput.print(o)
                return
            }
            Output.out(SessionText.show(s, names: try await SessionNames(store), chain: chain, now: Date()))
        }
    }

    /// The sessions of the same (schedule, item key) created before `s`, newest first.
    static func chain(of s: Session, _ store: any Store, limit: Int = 20) async throws -> [Session] {
        guard let scheduleID = s.scheduleID else { return [] }
        let all = try await store.sessions(scheduleID: scheduleID, itemKey: s.itemKey, limit: 10_000)
        let earlier = all.filter {
            $0.itemKey == s.itemKey && $0.id != s.id && ($0.createdAt, $0.id) < (s.createdAt, s.id)
        }
        return Array(earlier.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(limit))
    }
}

extension Store {
    /// The session with that id.
    /// - Throws: ``CommandFailure`` (exit status 2) naming the id.
    func requireSession(_ id: String) async throws -> Session {
        if let s = try await session(id: id) { return s }
        throw CommandFailure.usage("no session with id '\(id)'; see pacer sessions list")
    }
}
