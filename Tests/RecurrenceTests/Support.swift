import Foundation
import Testing
@testable import Recurrence

/// Reads a JSON-lines fixture bundled with the tests.
func fixtureLines(_ name: String) throws -> [[String: Any]] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map {
        try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
}

/// `2026-03-08T07:00:00Z` or with an offset.
func instant(_ text: String) -> Int64 {
    guard let v = Timestamp.parse(text) else { fatalError("bad instant \(text)") }
    return v
}

func utc(_ v: Int64) -> String { Timestamp.format(v, in: .utc) }

func zone(_ name: String) -> Zone { Zone.named(name)! }

/// The first `n` fires of a cron expression after `from`.
func cronFires(_ expr: String, _ tz: String, from: String, _ n: Int) throws -> [String] {
    let cron = try CronExpression(expr)
    var out: [String] = []
    var cursor = instant(from)
    let z = zone(tz)
    while out.count < n, let f = cron.next(after: cursor, in: z) {
        out.append(Timestamp.format(f, in: z))
        cursor = f
    }
    return out
}
