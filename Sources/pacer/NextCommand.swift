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

    /// One line of `--stdin` input.
    struct Query: Decodable {
        var expr: String
        var tz: String?
        var from: String?
        var count: Int?
    }

    static func answer(_ line: String) -> String {
        func failure(_ message: String) -> String {
            let body = try! JSONSerialization.data(withJSONObject: ["error": message], options: [.withoutEscapingSlashes])
            return String(decoding: body, as: UTF8.self)
        }
        let query: Query
        do {
            query = try JSONDecoder().decode(Query.self, from: Data(line.utf8))
        } catch DecodingError.keyNotFound(let key, _) {
            return failure("\(key.stringValue): missing")
        } catch DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context) {
            guard let field = context.codingPath.last?.stringValue else {
                return failure("input: not a JSON object with expr, tz, from and count")
            }
            return failure("\(field): not \(type == Int.self ? "an integer" : "a string")")
        } catch {
            return failure("input: not a JSON object with expr, tz, from and count")
        }
        var start = Int64(Date().timeIntervalSince1970.rounded(.down))
        if let text = query.from {
            guard let v = Timestamp.parse(text) else {
                return failure("from: '\(text)' is not an RFC 3339 instant such as 2026-03-08T01:30:00-05:00")
            }
            start = v
        }
        let preview: RulePreview
        do {
            preview = try RulePreview(rule: query.expr, timezone: query.tz, from: start, count: query.count ?? 5)
        } catch {
            return failure(error.description)
        }
        let body = try! JSONSerialization.data(withJSONObject: ["fires": preview.fires], options: [.withoutEscapingSlashes])
        return String(decoding: body, as: UTF8.self)
    }
}
