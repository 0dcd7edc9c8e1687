import ArgumentParser
import Foundation
import Recurrence

/// `pacer next`: describe a rule and list its next fires.
struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Describe a rule and print its next fires.",
        discussion: """
            RULE is a cron expression (5 fields, or 6 with seconds first, or @daily and the other \
            macros) or a human rule: 'every 15m', 'every day at 09:00', \
            'every 2 weeks on mon,thu at 18:30', 'every month on day 31 at 08:00', \
            'once 2026-12-24T18:00:00+01:00'.

            With --stdin, reads JSON lines {"expr": ..., "tz": ..., "from": ..., "count": N} and \
            writes one JSON line per input: {"fires": [...]} or {"error": "..."}.
            """
    )

    @Argument(help: "The rule (quote it).")
    var rule: String?

    @Option(name: .long, help: "IANA time zone of the rule, e.g. Europe/Berlin (default UTC).")
    var tz: String?

    @Option(name: .long, help: "List fires after this RFC 3339 instant (default now); also the anchor of 'every' rules.")
    var from: String?

    @Option(name: .long, help: "How many fires to list (1-10000).")
    var count: Int = 5

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Flag(name: .long, help: "Read JSON lines on stdin, write one JSON line per input.")
    var stdin = false

    func validate() throws {
        if stdin, rule != nil { throw ValidationError("give either RULE or --stdin, not both") }
        if !stdin, rule == nil { throw ValidationError("missing RULE, e.g. pacer next \"0 9 * * 1-5\" --tz Europe/Berlin") }
    }

    func run() throws {
        if stdin { return runLines() }
        let start = try Self.instant(from)
        let preview: RulePreview
        do {
            preview = try RulePreview(rule: rule!, timezone: tz, from: start, count: count)
        } catch {
            throw UsageError(error.description)
        }
        if json {
            Output.out(String(decoding: try Self.encoder.encode(preview), as: UTF8.self) + "\n")
            return
        }
        var text = preview.description + "\n"
        text += "Time zone: \(preview.timezone)\n"
        let zone = Zone.named(preview.timezone)!
        for instant in preview.instants {
            text += "  " + Self.human(instant, zone) + "\n"
        }
        if preview.instants.isEmpty { text += "  (no more fires)\n" }
        Output.out(text)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    static func instant(_ text: String?) throws -> Int64 {
        guard let text else { return Int64(Date().timeIntervalSince1970.rounded(.down)) }
        guard let v = Timestamp.parse(text) else {
            throw UsageError("from: '\(text)' is not an RFC 3339 instant such as 2026-03-08T01:30:00-05:00")
        }
        return v
    }

    /// `Mon 2026-03-09 09:00:00 +01:00`.
    static func human(_ instant: Int64, _ zone: Zone) -> String {
        let rfc = Timestamp.format(instant, in: zone)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][
            Int(((instant + zone.offset(at: instant)) / 86_400 % 7 + 11) % 7)]
        let date = rfc.prefix(10), time = rfc.dropFirst(11).prefix(8)
        let offset = rfc.hasSuffix("Z") ? "+00:00" : String(rfc.suffix(6))
        return "\(weekday) \(date) \(time) \(offset)"
    }

    /// One JSON line in, one JSON line out, until end of input.
    func runLines() {
        while let line = readLine(strippingNewline: true) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            Output.out(Self.answer(line) + "\n")
        }
    }

    static func answer(_ line: String) -> String {
        func failure(_ message: String) -> String {
            let body = try! JSONSerialization.data(withJSONObject: ["error": message], options: [.withoutEscapingSlashes])
            return String(decoding: body, as: UTF8.self)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return failure("input: not a JSON object")
        }
        guard let expr = object["expr"] as? String else { return failure("expr: missing or not a string") }
        let tz = object["tz"] as? String
        if object["tz"] != nil, !(object["tz"] is NSNull), tz == nil { return failure("tz: not a string") }
        var count = 5
        if let c = object["count"] {
            guard let n = c as? Int, !(c is Bool) else { return failure("count: not an integer") }
            count = n
        }
        let start: Int64
        if let f = object["from"], !(f is NSNull) {
            guard let text = f as? String, let v = Timestamp.parse(text) else {
                return failure("from: not an RFC 3339 instant such as 2026-03-08T01:30:00-05:00")
            }
            start = v
        } else {
            start = Int64(Date().timeIntervalSince1970.rounded(.down))
        }
        let preview: RulePreview
        do {
            preview = try RulePreview(rule: expr, timezone: tz, from: start, count: count)
        } catch {
            return failure(error.description)
        }
        let body = try! JSONSerialization.data(withJSONObject: ["fires": preview.fires], options: [.withoutEscapingSlashes])
        return String(decoding: body, as: UTF8.self)
    }
}
