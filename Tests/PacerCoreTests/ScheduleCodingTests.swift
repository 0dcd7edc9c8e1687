import Foundation
import Testing
@testable import PacerCore

@Suite struct ScheduleCodingTests {
    @Test func fullSchedule_roundTrips_withSnakeCaseKeys() throws {
        let schedule = fullSchedule()
        let text = try json(schedule)
        #expect(try decode(Schedule.self, text) == schedule)
        let expected: Set<String> = [
            "id", "name", "owner", "enabled", "notes", "timing", "target", "dispatch", "policies", "caps", "delivery",
            "created_at", "updated_at", "revision",
            "rule", "timezone", "anchor", "starts_at", "ends_at", "max_fires", "jitter",
            "kind", "method", "url", "headers", "headers_from_env", "body",
            "mode", "source", "items", "item_key", "max_items_per_fire",
            "overlap", "misfire", "misfire_grace", "catchup_limit", "retry", "max_attempts", "backoff_base_seconds",
            "backoff_factor", "backoff_cap_seconds", "jitter_fraction", "timeout_seconds", "pause_after_failures", "keep_last",
            "exclusions", "max_resumes", "max_lifetime_hours", "max_total_tokens", "max_cost",
            "bot_token_env", "chat_id", "base_url",
            // Free-form content keeps its own keys: headers and static items.
            "Content-Type", "Authorization",
        ]
        #expect(try keys(in: text) == expected)
        #expect(text.contains(#""created_at":"2026-03-08T09:00:00Z""#))
        #expect(text.contains(#""target":{"body":"{\"item\": \"{{item.id}}\"}","headers":{"Content-Type":"application/json"},"headers_from_env":{"Authorization":"HOOK_TOKEN"},"kind":"http","method":"POST","url":"https://example.com/hook"}"#))
        #expect(text.contains(#""overlap":"buffer_one""#))
        #expect(text.contains(#""mode":"per_item""#))
    }

    @Test func minimalSchedule_decodes_withDefaults() throws {
        let s = try decode(Schedule.self, """
            {"id": "sch_1", "name": "n", "owner": "o", "created_at": "2026-03-08T09:00:00Z",
             "timing": {"rule": "every 15m"}, "target": {"kind": "command", "argv": ["true"]}}
            """)
        #expect(s.enabled)
        #expect(s.revision == 1)
        #expect(s.updatedAt == s.createdAt)
        #expect(s.timing.timezone == "UTC")
        #expect(s.timing.jitterSeconds == 0)
        #expect(s.dispatch == .single)
        #expect(s.delivery == .none)
        #expect(s.caps == Caps())
        #expect(s.target == .command(CommandTarget(argv: ["true"], env: [:], workingDir: nil, shell: false)))
        let p = s.policies
        #expect(p.overlap == .skip)
        #expect(p.misfire == nil && p.misfire(oneShot: false) == .skip && p.misfire(oneShot: true) == .runOnce)
        #expect(p.misfireGraceSeconds == nil && p.misfireGrace(oneShot: false) == 60 && p.misfireGrace(oneShot: true) == 86_400)
        #expect(p.catchupLimit == 100)
        #expect(p.timeoutSeconds == 900)
        #expect(p.pauseAfterFailures == nil)
        #expect(p.keepLast == nil)
        #expect(p.exclusions.isEmpty)
        #expect(p.retry.maxAttempts == 1)
        #expect(p.retry.backoffBaseSeconds == 30)
        #expect(p.retry.backoffFactor == 2)
        #expect(p.retry.backoffCapSeconds == 3600)
        #expect(s.validate().isEmpty)
        #expect(Caps.serverDefaults == Caps(maxResumes: 50, maxLifetimeHours: 720, maxTotalTokens: 1_000_000, maxCost: 5.00))
        #expect(Caps(maxCost: 1).resolved() == Caps(maxResumes: 50, maxLifetimeHours: 720, maxTotalTokens: 1_000_000, maxCost: 1))
    }

    @Test(arguments: [
        (#"{"policies": {"overlap": "sometimes"}}"#, "policies.overlap: unknown overlap policy 'sometimes'; expected skip, buffer_one, allow or cancel_previous"),
        (#"{"policies": {"misfire": "later"}}"#, "policies.misfire: unknown misfire policy 'later'; expected skip, run_once or run_all"),
        (#"{"target": {"kind": "ftp"}}"#, "target.kind: unknown target kind 'ftp'; expected agent, http, command, monitor or workflow"),
        (#"{"delivery": {"kind": "pigeon"}}"#, "delivery.kind: unknown delivery kind 'pigeon'; expected none, stdout, log, webhook, slack, telegram or email"),
        (#"{"dispatch": {"mode": "each"}}"#, "dispatch.mode: unknown dispatch mode 'each'; expected single or per_item"),
    ])
    func unknownEnumValue_failsDecoding_namingValueAndField(patch: String, message: String) throws {
        var base = try decode([String: JSONValue].self, """
            {"id": "sch_1", "name": "n", "owner": "o", "created_at": "2026-03-08T09:00:00Z",
             "timing": {"rule": "@daily"}, "target": {"kind": "command", "argv": ["true"]}}
            """)
        for (k, v) in try decode([String: JSONValue].self, patch) { base[k] = v }
        let text = try json(base)
        let error = #expect(throws: DecodingError.self) { try decode(Schedule.self, text) }
        #expect(PacerJSON.describe(try #require(error)) == message)
    }

    @Test func missingRequiredField_isNamed() throws {
        let error = #expect(throws: DecodingError.self) {
            try decode(Schedule.self, #"{"id": "a", "name": "n", "owner": "o", "created_at": "2026-03-08T09:00:00Z", "target": {"kind": "http"}, "timing": {"rule": "@daily"}}"#)
        }
        #expect(PacerJSON.describe(try #require(error)) == "target.url: is required")
    }

    @Test func instants_roundTripWithMilliseconds_andAcceptOffsets() throws {
        let d = Date(timeIntervalSince1970: 1_772_960_400.25)
        #expect(PacerJSON.format(d) == "2026-03-08T09:00:00.250Z")
        #expect(PacerJSON.parse("2026-03-08T09:00:00.250Z") == d)
        #expect(PacerJSON.parse("2026-03-08T10:00:00+01:00") == t0)
        #expect(PacerJSON.parse("2026-03-08 09:00") == nil)
        let state = ScheduleState(scheduleID: "sch_1", nextFireAt: d, lastStatus: .timedOut, fireCount: 3)
        let text = try json(state)
        #expect(text == #"{"consecutive_failures":0,"fire_count":3,"last_status":"timed_out","next_fire_at":"2026-03-08T09:00:00.250Z","schedule_id":"sch_1"}"#)
        #expect(try decode(ScheduleState.self, text) == state)
    }

    @Test func revision_snapshotsTheSchedule() throws {
        let s = fullSchedule()
        let next = s.revised(at: t0.addingTimeInterval(120)) { $0.name = "Renamed"; $0.revision = 99 }
        #expect(next.revision == s.revision, "the revision it was made from; the store raises it")
        #expect(next.id == s.id)
        #expect(next.updatedAt == t0.addingTimeInterval(120))
        let rev = Revision(snapshot: s, createdAt: t0, author: "user:ada")
        let text = try json(rev)
        #expect(try keys(in: text).isSuperset(of: ["schedule_id", "revision", "snapshot", "created_at", "author"]))
        #expect(try decode(Revision.self, text) == rev)
        #expect(rev.revision == 3)
    }
}
