import Foundation
import Testing
@testable import Recurrence

/// Pacer against the committed reference fixtures (scripts/cronsim_fixtures.py).
@Suite struct CronDifferentialTests {
    @Test func fixture_everyCase_firesIdentically() throws {
        let cases = try fixtureLines("cron-cases.jsonl")
        #expect(cases.count >= 3000)
        var failures: [String] = []
        for c in cases {
            let expr = c["expr"] as! String, tz = c["tz"] as! String, from = c["from"] as! String
            let expected = c["fires"] as! [String]
            let z = try #require(Zone.named(tz), "zone \(tz)")
            let cron: CronExpression
            do { cron = try CronExpression(expr) } catch {
                failures.append("\(expr) | \(tz) | rejected: \(error)")
                continue
            }
            var got: [String] = []
            var cursor = instant(from)
            while got.count < expected.count, let f = cron.next(after: cursor, in: z) {
                got.append(utc(f))
                cursor = f
            }
            if got != expected {
                failures.append("\(expr) | \(tz) | from \(from)\n  expected \(expected)\n  got      \(got)")
            } else if expected.count < 8, let extra = cron.next(after: cursor, in: z), extra - cursor < 50 * 365 * 86_400 {
                failures.append("\(expr) | \(tz) | from \(from): reference stops after \(expected.count) fires, Pacer goes on with \(utc(extra))")
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(cases.count) cases differ:\n" + failures.prefix(15).joined(separator: "\n")))
    }

    @Test func fixture_rejections_matchReference() throws {
        let cases = try fixtureLines("cron-invalid.jsonl")
        #expect(cases.count >= 1000)
        var failures: [String] = []
        var rejected = 0
        for c in cases {
            let expr = c["expr"] as! String, verdict = c["cronsim"] as! String
            var error: RecurrenceError?
            do { _ = try CronExpression(expr) } catch let e { error = e }
            if verdict == "accepts", let error { failures.append("'\(expr)': reference accepts, Pacer rejects: \(error)") }
            if verdict != "accepts" {
                if error == nil { failures.append("'\(expr)': reference \(verdict), Pacer accepts") } else { rejected += 1 }
            }
        }
        #expect(rejected > 300)
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) differ:\n" + failures.prefix(20).joined(separator: "\n")))
    }

    /// `previous(before:)` walks the same fires backwards.
    @Test func fixture_previous_inverts_next() throws {
        var failures: [String] = []
        for c in try fixtureLines("cron-cases.jsonl") {
            let expr = c["expr"] as! String, tz = c["tz"] as! String
            let fires = (c["fires"] as! [String]).map(instant)
            guard fires.count >= 2, c["source"] as? String == "cronsim" || c["source"] as? String == "bruteforce" else { continue }
            let cron = try CronExpression(expr)
            let z = zone(tz)
            for k in 1..<fires.count where cron.previous(before: fires[k], in: z) != fires[k - 1] {
                failures.append("\(expr) | \(tz): previous(before: \(utc(fires[k]))) = \(cron.previous(before: fires[k], in: z).map(utc) ?? "nil"), expected \(utc(fires[k - 1]))")
                break
            }
            if let p = cron.previous(before: fires[0], in: z), p > instant(c["from"] as! String) {
                failures.append("\(expr) | \(tz): previous(before: first fire) = \(utc(p)) lies after the start")
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) differ:\n" + failures.prefix(15).joined(separator: "\n")))
    }
}
