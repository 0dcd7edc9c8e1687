import ArgumentParser
import Foundation
import PacerCore
import PacerStore

/// `pacer watch`: the store's event feed in the terminal, as it happens.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow what happens: schedule changes, runs queued, started and finished, session changes.",
        discussion: """
            Reads the store's event feed (the one /v1/events serves), so it sees what every server and command \
            sharing the database does. One line per event; --json prints one JSON object per line for scripts. \
            Stop it with Ctrl-C, or give --count.
            """)

    @OptionGroup var store: StoreOptions

    @Flag(help: "One JSON object per line: sequence, kind, entity_id, at and what the event is about.")
    var json = false

    @Option(help: ArgumentHelp("Start after this event sequence (default: only what happens from now on).", valueName: "sequence"))
    var after: Int64?

    @Option(help: "Exit after this many events.")
    var count: Int?

    func validate() throws {
        if let after, after < 0 { throw ValidationError("--after must be a sequence of at least 0") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        try await store.withStore { store in
            let changes = store.changes()
            var cursor: Int64
            if let after { cursor = after } else { cursor = try await store.lastEventSequence() }
            var shown = 0
            var names = WatchNames()
            var waiting = changes.makeAsyncIterator()
            while true {
                let batch: [StoredEvent]
                do {
                    batch = try await store.events(after: cursor, limit: 500)
                } catch {
                    // The database is away for a moment (a restart, a full disk): try again.
                    Output.err("pacer: reading events failed; trying again in 1 s: \(error)\n")
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                for stored in batch {
                    let line = try await WatchLine.make(stored, store: store, names: &names)
                    Output.out((json ? try line.json() : line.text) + "\n")
                    cursor = stored.sequence
                    shown += 1
                    if let count, shown >= count { return }
                }
                // Nothing new: wait for the next change this process or another one makes.
                if batch.isEmpty, await waiting.next() == nil { return }
            }
        }
    }
}

/// Schedule names by id, remembered while watching (a deleted schedule keeps its name).
struct WatchNames {
    private var byID: [String: String] = [:]

    mutating func name(_ id: String, store: any Store) async throws -> String? {
        if let name = byID[id] { return name }
        guard let schedule = try await store.schedule(id: id) else { return nil }
        byID[id] = schedule.name
        return schedule.name
    }
}

/// One event as `pacer watch` shows it.
struct WatchLine {
    var stored: StoredEvent
    /// What the event is about, for people (`ping: succeeded in 0.21 s`).
    var summary: String
    /// The same, for scripts.
    var fields: [String: Any]

    static func make(_ stored: StoredEvent, store: any Store, names: inout WatchNames) async throws -> WatchLine {
        let event = stored.event
        var fields: [String: Any] = [:]
        var summary = ""
        switch event.kind {
        case .scheduleCreated, .scheduleUpdated, .scheduleDeleted, .scheduleStateChanged:
            let name = try await names.name(event.entityID, store: store)
            if let name { fields["schedule"] = name }
            summary = name ?? ""
            if event.kind == .scheduleStateChanged, let state = try await store.state(scheduleID: event.entityID) {
                // The state when the line is written (a replay with --after shows today's).
                let paused = state.pausedReason
                fields["paused"] = paused ?? NSNull()
                summary += paused.map { ": paused (\($0))" } ?? ": active"
            }
        case .runQueued, .runStarted, .runFinished:
            guard let run = try await store.run(id: event.entityID) else { break }
            let name = try await names.name(run.scheduleID, store: store)
            fields["schedule"] = name ?? run.scheduleID
            fields["scheduled_at"] = PacerJSON.format(run.scheduledAt)
            summary = name ?? run.scheduleID
            // A finished run's status is final; a queued or started one may have moved on by
            // the time the line is written, so it gets none.
            if event.kind == .runFinished {
                fields["status"] = run.status.rawValue
                summary += ": \(run.status.rawValue)"
            }
            if event.kind == .runFinished, let started = run.startedAt, let finished = run.finishedAt {
                let seconds = max(0, finished.timeIntervalSince(started))
                fields["duration_s"] = (seconds * 1000).rounded() / 1000
                summary += String(format: " in %.2f s", seconds)
            }
            if event.kind == .runFinished, let error = run.error { summary += ": " + Table.oneLine(String(error.prefix(200))) }
        case .sessionChanged:
            guard let session = try await store.session(id: event.entityID) else { break }
            fields["state"] = session.state.rawValue
            summary = session.state.rawValue
        default:
            break
        }
        return WatchLine(stored: stored, summary: summary, fields: fields)
    }

    /// `2026-12-03T18:10:00+01:00  run_finished  run_01...  ping: succeeded in 0.21 s`.
    var text: String {
        let at = ScheduleText.local(stored.event.at)
        return [at, stored.event.kind.rawValue, stored.event.entityID, summary].filter { !$0.isEmpty }.joined(separator: "  ")
    }

    func json() throws -> String {
        var object = fields
        object["sequence"] = stored.sequence
        object["kind"] = stored.event.kind.rawValue
        object["entity_id"] = stored.event.entityID
        object["at"] = PacerJSON.format(stored.event.at)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
