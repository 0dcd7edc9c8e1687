import ArgumentParser
import Foundation
import PacerCore
import PacerStore
import Recurrence

/// `pacer schedule list`: every schedule with its next fire and state.
struct ScheduleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List schedules: name, id, rule, next fire, last status and state.",
        aliases: ["ls"])

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array of schedules, each with its state.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let now = Date()
            let schedules = try await store.schedules()
            var states: [String: ScheduleState] = [:]
            for state in try await store.states() { states[state.scheduleID] = state }
            if json {
                try JSONOutput.print(schedules.map { try JSONOutput.schedule($0, state: states[$0.id]) })
                return
            }
            if schedules.isEmpty {
                Output.out("no schedules; add one with pacer schedule add\n")
                return
            }
            var table = Table("NAME", "ID", "RULE", "NEXT FIRE", "LAST STATUS", "STATE")
            for s in schedules {
                let state = states[s.id]
                // In the schedule's own zone, as `show` lists its next fires.
                let zone = Zone.named(s.timing.timezone) ?? .utc
                let next = s.enabled && state?.pausedReason == nil ? ScheduleText.localWithDistance(state?.nextFireAt, now: now, zone: zone) : "-"
                table.add([s.name, s.id, ScheduleText.rule(s.timing), next, state?.lastStatus?.rawValue ?? "-",
                           ScheduleText.state(s, state)])
            }
            Output.out(table.text)
        }
    }
}

/// `pacer schedule show`: one schedule's definition, state and next fires.
struct ScheduleShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a schedule's definition, state and next 5 fires.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The schedule's name or id.")
    var schedule: String

    @Flag(help: "Print the schedule as JSON, with state and next_fires.")
    var json = false

    func run() async throws {
        try await store.withStore { store in
            let s = try await store.schedule(named: schedule)
            let state = try await store.state(scheduleID: s.id)
            let fires = ScheduleText.nextFires(s, state, count: 5)
            if json {
                try JSONOutput.print(JSONOutput.schedule(s, state: state, nextFires: fires))
                return
            }
            Output.out(Self.text(s, state, fires, now: Date()))
        }
    }

    static func text(_ s: Schedule, _ state: ScheduleState?, _ fires: [Int64], now: Date) -> String {
        var lines: [(String, String)] = [("Name", s.name), ("ID", s.id), ("Owner", s.owner), ("Revision", String(s.revision))]
        let cadence = try? s.cadence()
        lines.append(("Rule", ScheduleText.rule(s.timing) + (cadence.map { ": " + $0.describe() } ?? "")))
        if s.timing.jitterSeconds > 0 { lines.append(("Jitter", DurationText.human(s.timing.jitterSeconds))) }
        if let d = s.timing.startsAt { lines.append(("Starts at", PacerJSON.format(d))) }
        if let d = s.timing.endsAt { lines.append(("Ends at", PacerJSON.format(d))) }
        if let n = s.timing.maxFires { lines.append(("Max fires", String(n))) }
        lines.append(("Target", ScheduleText.target(s.target)))
        switch s.target {
        case .http(let t):
            for (k, v) in t.headers.sorted(by: { $0.key < $1.key }) { lines.append(("  Header", "\(k): \(v)")) }
            for (k, v) in t.headersFromEnv.sorted(by: { $0.key < $1.key }) { lines.append(("  Header", "\(k): $\(v)")) }
            if let body = t.body { lines.append(("  Body", Table.excerpt(body))) }
        case .command(let t):
            if let dir = t.workingDir { lines.append(("  Workdir", dir)) }
            for (k, v) in t.env.sorted(by: { $0.key < $1.key }) { lines.append(("  Env", "\(k)=\(v)")) }
        case .agent(let t):
            lines.append(("  Prompt", Table.excerpt(t.prompt, limit: 200)))
        default: break
        }
        if s.target.kind == .agent || s.caps != Caps() { lines.append(("Caps", ScheduleText.caps(s.caps))) }
        if s.dispatch.mode == .perItem || s.dispatch.source != nil {
            var text = s.dispatch.mode.rawValue
            if let source = s.dispatch.source { text += ", items from \(source.kind.rawValue)" }
            if let key = s.dispatch.itemKey { text += ", key \(key)" }
            lines.append(("Dispatch", text + ", at most \(s.dispatch.maxItemsPerFire) per fire"))
        }
        if let notify = s.dispatch.notify { lines.append(("Notify", ScheduleText.delivery(notify) + " (when an item's run starts)")) }
        let p = s.policies
        let oneShot = s.firesOnce
        var policy = "overlap \(p.overlap.rawValue), misfire \(p.misfire(oneShot: oneShot).rawValue) after "
            + DurationText.human(p.misfireGrace(oneShot: oneShot))
        if p.misfire(oneShot: oneShot) == .runAll { policy += " (at most \(p.catchupLimit))" }
        policy += ", timeout \(DurationText.human(p.timeoutSeconds))"
        if p.retry.maxAttempts > 1 {
            policy += ", \(p.retry.maxAttempts) attempts (backoff from \(DurationText.human(p.retry.backoffBaseSeconds)))"
        }
        if let n = p.pauseAfterFailures { policy += ", pause after \(n) failures" }
        if let n = p.keepLast { policy += ", keep last \(n) runs" }
        lines.append(("Policies", policy))
        for rule in p.exclusions { lines.append(("Excluded", rule)) }
        lines.append(("Delivery", ScheduleText.delivery(s.delivery)))
        if let notes = s.notes { lines.append(("Notes", Table.excerpt(notes, limit: 200))) }
        lines.append(("State", ScheduleText.state(s, state)))
        lines.append(("Last status", state?.lastStatus?.rawValue ?? "-"))
        lines.append(("Last fire", state?.lastFireAt.map { ScheduleText.local($0) } ?? "-"))
        lines.append(("Fires", String(state?.fireCount ?? 0)))
        if let n = state?.consecutiveFailures, n > 0 { lines.append(("Failures in a row", String(n))) }
        lines.append(("Created", ScheduleText.local(s.createdAt)))
        lines.append(("Updated", ScheduleText.local(s.updatedAt)))
        let width = lines.map(\.0.count).max()! + 2
        var out = lines.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
        out += "\nNext fires (\(s.timing.timezone)):\n"
        let zone = Zone.named(s.timing.timezone) ?? .utc
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        for fire in fires {
            out += "  \(NextCommand.human(fire, zone))  (\(DurationText.relative(fire - nowSeconds)))\n"
        }
        if fires.isEmpty { out += "  (no more fires)\n" }
        return out
    }
}
