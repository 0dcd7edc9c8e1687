import Foundation
@testable import PacerCore

/// 2026-03-08T09:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_772_960_400)

func json(_ value: some Encodable) throws -> String {
    String(decoding: try PacerJSON.encode(value), as: UTF8.self)
}

func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try PacerJSON.decode(type, from: Data(text.utf8))
}

/// Every object key in a JSON text, at any depth.
func keys(in text: String) throws -> Set<String> {
    var out = Set<String>()
    func walk(_ v: JSONValue) {
        switch v {
        case .object(let o): for (k, v) in o { out.insert(k); walk(v) }
        case .array(let a): a.forEach(walk)
        default: break
        }
    }
    walk(try decode(JSONValue.self, text))
    return out
}

/// A schedule with every part filled in.
func fullSchedule() -> Schedule {
    Schedule(
        id: "sch_01jq3v7m2k8x9c4d5e6f7g8h9j", name: "Nightly digest", owner: "user:ada", enabled: false, notes: "for the team",
        timing: ScheduleTiming(rule: "0 9 * * 1-5", timezone: "Europe/Berlin", anchor: t0, startsAt: t0,
                               endsAt: t0.addingTimeInterval(86_400 * 30), maxFires: 10, jitterSeconds: 30),
        target: .http(HTTPTarget(method: "POST", url: "https://example.com/hook", headers: ["Content-Type": "application/json"],
                                 headersFromEnv: ["Authorization": "HOOK_TOKEN"], body: "{\"item\": \"{{item.id}}\"}")),
        dispatch: Dispatch(mode: .perItem, source: .static([["id": 1], ["id": 2]]), itemKey: "id", maxItemsPerFire: 5),
        policies: Policies(overlap: .bufferOne, misfire: .runAll, misfireGraceSeconds: 120, catchupLimit: 7,
                           retry: RetryPolicy(maxAttempts: 3, backoffBaseSeconds: 10, backoffFactor: 3, backoffCapSeconds: 600, jitterFraction: 0.5),
                           timeoutSeconds: 60, pauseAfterFailures: 4, keepLast: 50, exclusions: ["* * 25 12 *"]),
        caps: Caps(maxResumes: 5, maxLifetimeHours: 24, maxTotalTokens: 10_000, maxCost: 1.25),
        delivery: .telegram(TelegramDelivery(botTokenEnv: "TG_TOKEN", chatID: "42")),
        createdAt: t0, updatedAt: t0.addingTimeInterval(60), revision: 3)
}
