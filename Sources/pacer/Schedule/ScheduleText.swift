import Foundation
import PacerCore
import PacerStore
import Recurrence

/// How schedules, runs and revisions read in tables and in `--json` output.
enum ScheduleText {
    /// The zone of the person at the terminal (`TZ`, else the system's), for instants.
    static let localZone: Zone = Zone.named(TimeZone.current.identifier) ?? .utc

    /// `2026-03-09T09:00:00+01:00` in the local zone (or in `zone`).
    static func local(_ date: Date, zone: Zone = localZone) -> String {
        Timestamp.format(Int64(date.timeIntervalSince1970.rounded(.down)), in: zone)
    }

    /// `2026-03-09T09:00:00+01:00 (in 3m)`.
    static func localWithDistance(_ date: Date?, now: Date, zone: Zone = localZone) -> String {
        guard let date else { return "-" }
        let delta = Int64(date.timeIntervalSince1970.rounded(.down)) - Int64(now.timeIntervalSince1970.rounded(.down))
        return "\(local(date, zone: zone)) (\(DurationText.relative(delta)))"
    }

    /// `0 9 * * 1-5 (Europe/Berlin)`.
    static func rule(_ timing: ScheduleTiming) -> String {
        "\(timing.rule) (\(timing.timezone))"
    }

    /// `active`, `paused: reason` or `disabled`.
    static func state(_ schedule: Schedule, _ state: ScheduleState?) -> String {
        if !schedule.enabled { return "disabled" }
        if let reason = state?.pausedReason { return "paused: \(reason)" }
        if state?.nextFireAt == nil { return "finished" }
        return "active"
    }

    /// `http POST https://...` or `command /abs/report.sh --flag`.
    static func target(_ target: Target) -> String {
        switch target {
        case .http(let t): "http \(t.method) \(t.url)"
        case .command(let t): "command " + (t.shell ? "sh -c " + quoted(t.argv[0]) : t.argv.map(quoted).joined(separator: " "))
        case .agent(let t): "agent \(t.agent)"
        case .monitor: "monitor"
        case .workflow(let t): "workflow \(t.workflowID)"
        }
    }

    static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `stdout`, `log /var/log/x`, `webhook https://...`.
    static func delivery(_ delivery: Delivery) -> String {
        switch delivery {
        case .none: "none"
        case .stdout: "stdout"
        case .log(let d): "log \(d.path)"
        case .webhook(let d): "webhook \(d.url)"
        case .slack(let d): "slack " + (d.webhookURL ?? "$" + (d.webhookURLEnv ?? ""))
        case .telegram(let d): "telegram \(d.chatID)"
        case .email(let d): "email " + d.to.joined(separator: ", ")
        }
    }

    /// `max_resumes 10, max_lifetime 2d, max_total_tokens 1000000 (default), max_cost 0.5000`:
    /// each cap with the server default in place of a missing one.
    static func caps(_ caps: Caps) -> String {
        let d = Caps.serverDefaults
        func part<T>(_ name: String, _ value: T?, _ fallback: T?, _ text: (T) -> String) -> String {
            if let value { return "\(name) \(text(value))" }
            return "\(name) " + (fallback.map(text) ?? "-") + " (default)"
        }
        return [
            part("max_resumes", caps.maxResumes, d.maxResumes) { String($0) },
            part("max_lifetime", caps.maxLifetimeHours, d.maxLifetimeHours) { DurationText.human($0 * 3600) },
            part("max_total_tokens", caps.maxTotalTokens, d.maxTotalTokens) { String($0) },
            part("max_cost", caps.maxCost, d.maxCost) { String(format: "%.4f", $0) },
        ].joined(separator: ", ")
    }

    /// The next `count` nominal fires: the stored next fire, then the cadence onwards.
    static func nextFires(_ schedule: Schedule, _ state: ScheduleState?, count: Int) -> [Int64] {
        guard let first = state?.nextFireAt, let cadence = try? schedule.cadence() else { return [] }
        var out = [Int64(first.timeIntervalSince1970.rounded(.down))]
        let fired = state?.fireCount ?? 0
        while out.count < count, let next = cadence.next(after: out[out.count - 1], firedCount: fired + out.count) {
            out.append(next)
        }
        return out
    }

    /// Duration of a run, or `-`.
    static func duration(_ run: Run) -> String {
        guard let start = run.startedAt else { return "-" }
        let end = run.finishedAt ?? Date()
        return DurationText.human(max(0, end.timeIntervalSince(start))) + (run.finishedAt == nil ? "+" : "")
    }
}

/// JSON output for scripts: the wire format of PacerCore, sorted keys, one document.
enum JSONOutput {
    /// A value's wire JSON as a Foundation object.
    static func object(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: PacerJSON.encode(value), options: [.fragmentsAllowed])
    }

    /// A schedule as its wire object with `state` (and, when given, `next_fires`) added.
    static func schedule(_ schedule: Schedule, state: ScheduleState?, nextFires: [Int64]? = nil) throws -> Any {
        var o = try object(schedule) as! [String: Any]
        o["state"] = try state.map(object) ?? NSNull()
        if let nextFires {
            o["next_fires"] = nextFires.map { PacerJSON.format(Date(timeIntervalSince1970: Double($0))) }
        }
        return o
    }

    /// Prints a Foundation JSON object on stdout.
    static func print(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes, .fragmentsAllowed])
        Output.out(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Prints an encodable value's wire JSON on stdout.
    static func print(encodable value: some Encodable) throws {
        try print(object(value))
    }
}
