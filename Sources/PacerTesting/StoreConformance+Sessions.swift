import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let sessionCases: [ConformanceCase] = [
        ConformanceCase("session_transition_onlyFromTheStatesGiven_withItsEvent") { store in
            let s = try await store.createSession(Fixture.session(scheduleID: nil, itemKey: nil, at: 0))
            _ = try await store.updateSession(id: s.id, state: .waiting, resumeAt: Fixture.at(3600), resumePrompt: "go",
                                              recurrence: nil, at: Fixture.at(1))
            let event = SessionEvent(at: Fixture.at(2), kind: "resume_requested", detail: ["by": "ops"])
            let refused = try await store.transitionSession(id: s.id, from: [.running], to: .cancelled, resumeAt: nil,
                                                            resumePrompt: nil, recurrence: nil, event: event, at: Fixture.at(2))
            try check(refused == nil, "a session in another state is not moved")
            let unchanged = try await store.session(id: s.id)
            try check(unchanged?.state == .waiting && unchanged?.events.isEmpty == true, "nothing written: \(String(describing: unchanged))")
            let moved = try await store.transitionSession(id: s.id, from: [.waiting], to: .waiting, resumeAt: Fixture.at(2),
                                                          resumePrompt: "go", recurrence: nil, event: event, at: Fixture.at(2))
            try check(moved?.resumeAt == Fixture.at(2) && moved?.events == [event] && moved?.resumePrompt == "go",
                      "moved with its event: \(String(describing: moved))")
            try check(try await store.session(id: s.id) == moved, "reads back equal")
            try await checkThrows(.sessionNotFound("ses_missing")) {
                try await store.transitionSession(id: "ses_missing", from: [.waiting], to: .cancelled, resumeAt: nil,
                                                  resumePrompt: nil, recurrence: nil, event: event, at: Fixture.at(3))
            }
        },
        ConformanceCase("session_appendAndUpdate_readBack") { store in
            let created = try await store.createSession(Fixture.session(scheduleID: "sch_a"))
            try check(try await store.session(id: created.id) == created, "the new session reads back equal")
            let call = ToolCallRequest(id: "call_1", name: "schedule_resume", arguments: #"{"seconds_from_now":3600}"#)
            let after = try await store.appendToSession(
                id: created.id,
                messages: [Message(role: .user, text: "check the feed"), Message(role: .assistant, text: nil, toolCalls: [call])],
                toolCalls: [ToolCall(callID: "call_1", name: "schedule_resume", arguments: call.arguments,
                                     output: #"{"ok":true}"#, durationMs: 3, at: Fixture.at(10))],
                events: [SessionEvent(at: Fixture.at(10), kind: .resumeScheduled, detail: ["resume_at": "2026-01-01T01:00:10Z"])],
                inputTokens: 100, outputTokens: 20, cost: 0.25, at: Fixture.at(10))
            try check(after.messages.count == 2 && after.toolLog.count == 1 && after.events.count == 1, "appended: \(after)")
            try check(after.inputTokens == 100 && after.outputTokens == 20 && after.cost == 0.25, "usage added")
            let again = try await store.appendToSession(id: created.id, messages: [Message(role: .assistant, text: "done")],
                                                        toolCalls: [], events: [], inputTokens: 5, outputTokens: 7,
                                                        cost: 0.5, at: Fixture.at(20))
            try check(again.messages.count == 3 && again.lastText == "done" && again.totalTokens == 132 && again.cost == 0.75,
                      "a second append accumulates: \(again)")
            let recurrence = SessionRecurrence(everySeconds: 3600, maxRuns: 3, prompt: "run {run} of {total}", startedAt: Fixture.at(3600))
            let waiting = try await store.updateSession(id: created.id, state: .waiting, resumeAt: Fixture.at(3600),
                                                        resumePrompt: "continue", recurrence: recurrence, at: Fixture.at(30))
            try check(waiting.state == .waiting && waiting.resumeAt == Fixture.at(3600) && waiting.resumePrompt == "continue"
                      && waiting.recurrence == recurrence && waiting.updatedAt == Fixture.at(30), "updated: \(waiting)")
            try check(try await store.session(id: created.id) == waiting, "the update reads back equal")
            try check(waiting.messages == again.messages, "the transcript is kept")
            try await checkThrows(.sessionNotFound("ses_missing")) {
                try await store.appendToSession(id: "ses_missing", messages: [], toolCalls: [], events: [], inputTokens: 0,
                                                outputTokens: 0, cost: 0, at: Fixture.t0)
            }
            try await checkThrows(.sessionNotFound("ses_missing")) {
                try await store.updateSession(id: "ses_missing", state: .done, resumeAt: nil, resumePrompt: nil, recurrence: nil, at: Fixture.t0)
            }
            try check(try await store.session(id: "ses_missing") == nil, "a missing session reads as nil")
        },
        ConformanceCase("session_cancelled_staysCancelled_whenALateRunUpdatesIt") { store in
            let s = try await store.createSession(Fixture.session(scheduleID: nil, itemKey: nil, at: 0))
            _ = try await store.updateSession(id: s.id, state: .running, resumeAt: nil, resumePrompt: nil, recurrence: nil,
                                              at: Fixture.at(1))
            _ = try await store.updateSession(id: s.id, state: .cancelled, resumeAt: nil, resumePrompt: nil, recurrence: nil,
                                              at: Fixture.at(2))
            let late = try await store.updateSession(id: s.id, state: .waiting, resumeAt: Fixture.at(600),
                                                     resumePrompt: "again", recurrence: nil, at: Fixture.at(3))
            try check(late.state == .cancelled && late.resumeAt == nil, "the late update is ignored: \(late)")
            try check(try await store.session(id: s.id)?.state == .cancelled, "stored as cancelled")
            do {
                _ = try await store.updateSession(id: "ses_missing", state: .done, resumeAt: nil, resumePrompt: nil,
                                                  recurrence: nil, at: Fixture.at(4))
                try check(false, "a missing session is an error")
            } catch StoreError.sessionNotFound {}
        },
        ConformanceCase("session_concurrentAppends_noneIsLost") { store in
            let s = try await store.createSession(Fixture.session())
            let n = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<n {
                    group.addTask {
                        _ = try await store.appendToSession(
                            id: s.id, messages: [Message(role: .assistant, text: "m\(i)")],
                            toolCalls: [ToolCall(name: "t", arguments: "{}", output: "\(i)", durationMs: i)],
                            events: [SessionEvent(at: Fixture.at(Double(i)), kind: "tick")],
                            inputTokens: 1, outputTokens: 2, cost: 0.5, at: Fixture.at(Double(i)))
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.session(id: s.id)
            try check(final?.messages.count == n && final?.toolLog.count == n && final?.events.count == n,
                      "all \(n) appends landed: \(final?.messages.count ?? -1) messages")
            try check(Set(final?.messages.compactMap(\.text) ?? []).count == n, "every message once")
            try check(final?.inputTokens == n && final?.outputTokens == 2 * n && final?.cost == 0.5 * Double(n), "usage summed")
            // Each append lands whole: the i-th message, tool call and event belong together.
            let outputs = final?.toolLog.map(\.output) ?? []
            let texts = final?.messages.compactMap(\.text).map { String($0.dropFirst()) } ?? []
            try check(outputs == texts, "a message and its tool call land together")
        },
        ConformanceCase("session_chain_latestByScheduleAndItem") { store in
            let first = try await store.createSession(Fixture.session(scheduleID: "sch_a", itemKey: "issue-1", at: 0))
            let second = try await store.createSession(Fixture.session(scheduleID: "sch_a", itemKey: "issue-1", previous: first.id, at: 60))
            let otherItem = try await store.createSession(Fixture.session(scheduleID: "sch_a", itemKey: "issue-2", at: 120))
            let noItem = try await store.createSession(Fixture.session(scheduleID: "sch_a", at: 180))
            _ = try await store.createSession(Fixture.session(scheduleID: "sch_b", at: 240))
            let latest = try await store.latestSession(scheduleID: "sch_a", itemKey: "issue-1")
            try check(latest?.id == second.id && latest?.previousSessionID == first.id, "the chain's latest: \(String(describing: latest))")
            try check(try await store.latestSession(scheduleID: "sch_a", itemKey: "issue-2")?.id == otherItem.id, "per item")
            try check(try await store.latestSession(scheduleID: "sch_a", itemKey: nil)?.id == noItem.id, "without an item key")
            try check(try await store.latestSession(scheduleID: "sch_c", itemKey: nil) == nil, "no chain yet")
            let ofA = try await store.sessions(scheduleID: "sch_a", itemKey: nil, limit: 10)
            try check(ofA.map(\.id) == [noItem.id, otherItem.id, second.id, first.id], "a schedule's sessions, newest first")
            try check(try await store.sessions(scheduleID: "sch_a", itemKey: "issue-1", limit: 10).map(\.id) == [second.id, first.id],
                      "one item's sessions")
            try check(try await store.sessions(scheduleID: nil, itemKey: nil, limit: 2).count == 2, "the limit holds")
            try check(try await store.sessions(scheduleID: nil, itemKey: nil, limit: 10).count == 5, "all sessions")
        },
    ]
}
