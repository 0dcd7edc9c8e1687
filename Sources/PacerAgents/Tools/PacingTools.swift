import Foundation
import PacerCore

/// The shortest and longest self-pacing delay: 60 seconds to 30 days.
enum PacingLimits {
    static let minSeconds: Double = 60
    static let maxSeconds: Double = 30 * 86_400

    static func check(_ seconds: Double, field: String) throws(ToolArgumentError) {
        guard seconds >= minSeconds, seconds <= maxSeconds else {
            throw ToolArgumentError(field: field, "\(CapBreach.format(seconds)) s is outside 60 s ... 30 days (2592000 s)")
        }
    }
}

/// `schedule_resume(prompt, at | seconds_from_now)`: the session waits, then continues with
/// `prompt` as a user turn and its whole transcript.
public struct ScheduleResumeTool: AgentTool {
    public init() {}

    public var spec: ToolSpec {
        ToolSpec(
            name: "schedule_resume",
            description: """
                Pause this session and resume it later. When it resumes, `prompt` is given to you as a new user \
                message and the conversation so far is kept. Give either `at` (an ISO 8601 instant) or \
                `seconds_from_now`; the delay must be between 60 seconds and 30 days. Returns \
                {"ok": true, "resume_at": ...} or {"ok": false, "error": ...}.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "prompt": ["type": "string", "description": "The instruction to yourself for when you resume."],
                    "at": ["type": "string", "format": "date-time", "description": "When to resume (ISO 8601)."],
                    "seconds_from_now": ["type": "number", "minimum": 60, "maximum": 2_592_000,
                                         "description": "Resume after this many seconds."],
                ],
                "required": ["prompt"],
                "additionalProperties": false,
            ])
    }

    public func isDangerous(_ arguments: JSONValue) -> Bool { false }

    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let prompt = try args.string("prompt", required: true)!
            let wakeAt: Date
            switch (try args.instant("at"), try args.number("seconds_from_now")) {
            case (nil, nil): throw ToolArgumentError(field: "seconds_from_now", "give either at or seconds_from_now")
            case (.some, .some): throw ToolArgumentError(field: "at", "give either at or seconds_from_now, not both")
            case (let at?, nil):
                try PacingLimits.check(at.timeIntervalSince(context.now).rounded(), field: "at")
                wakeAt = at
            case (nil, let seconds?):
                try PacingLimits.check(seconds, field: "seconds_from_now")
                wakeAt = context.now.addingTimeInterval(seconds)
            }
            if let breach = CapCheck.deferral(context.session, caps: context.caps, now: context.now, wakeAt: wakeAt) {
                return .capExceeded(breach)
            }
            var out = ToolOutput.success(["resume_at": .string(PacerJSON.format(wakeAt))])
            out.effect = .resume(at: wakeAt, prompt: prompt)
            return out
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

/// `schedule_recurring(prompt, every, until | max_runs)`: the session wakes up every `every`
/// seconds, anchored at the first wake-up so it never drifts by its own run time.
public struct ScheduleRecurringTool: AgentTool {
    public init() {}

    public var spec: ToolSpec {
        ToolSpec(
            name: "schedule_recurring",
            description: """
                Pause this session and wake it up on a fixed cadence: every `every` seconds (60 seconds to 30 days), \
                until `until` (ISO 8601) or for `max_runs` runs (give at least one). Each time, `prompt` is given to \
                you as a new user message with {run} replaced by the run number and {total} by max_runs. The first \
                run is `every` seconds from now. Returns {"ok": true, "resume_at": ...} or {"ok": false, "error": ...}.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "prompt": ["type": "string", "description": "The instruction for each run; {run} and {total} are replaced."],
                    "every": ["type": "number", "minimum": 60, "maximum": 2_592_000, "description": "Seconds between runs."],
                    "until": ["type": "string", "format": "date-time", "description": "No run after this instant."],
                    "max_runs": ["type": "integer", "minimum": 1, "description": "At most this many runs."],
                ],
                "required": ["prompt", "every"],
                "additionalProperties": false,
            ])
    }

    public func isDangerous(_ arguments: JSONValue) -> Bool { false }

    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let prompt = try args.string("prompt", required: true)!
            guard let every = try args.seconds("every") else { throw ToolArgumentError(field: "every", "is required") }
            try PacingLimits.check(every, field: "every")
            guard every == every.rounded() else { throw ToolArgumentError(field: "every", "must be whole seconds") }
            let until = try args.instant("until")
            let maxRuns = try args.integer("max_runs")
            if until == nil, maxRuns == nil { throw ToolArgumentError(field: "max_runs", "give until or max_runs (or both)") }
            if let maxRuns, maxRuns < 1 { throw ToolArgumentError(field: "max_runs", "\(maxRuns) must be at least 1") }
            let first = context.now.addingTimeInterval(every)
            if let until, until < first {
                throw ToolArgumentError(field: "until", "\(PacerJSON.format(until)) is before the first run at \(PacerJSON.format(first))")
            }
            if let breach = CapCheck.deferral(context.session, caps: context.caps, now: context.now, wakeAt: first) {
                return .capExceeded(breach)
            }
            let recurrence = SessionRecurrence(everySeconds: Int(every), until: until, maxRuns: maxRuns, runsDone: 0,
                                               prompt: prompt, startedAt: first)
            var members: [String: JSONValue] = ["resume_at": .string(PacerJSON.format(first))]
            if let maxRuns, let limit = context.caps.maxResumes, maxRuns > limit - CapCheck.resumesDone(context.session) {
                members["warning"] = .string("max_runs \(maxRuns) is more than the \(limit) resumes max_resumes allows; the session will end at that cap")
            }
            var out = ToolOutput.success(members)
            out.effect = .recurring(recurrence)
            return out
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

extension ToolOutput {
    /// `{"ok": false, "error": "cap_exceeded", "cap": ..., "observed": ..., "limit": ...}`, ending the session.
    static func capExceeded(_ breach: CapBreach) -> ToolOutput {
        var out = ToolOutput.failure("cap_exceeded", breach.detail)
        out.effect = .capExceeded(breach)
        return out
    }
}
