import Foundation
import PacerAgents
import PacerCore
import PacerOperations
import PacerStore

/// `list_sessions`, `get_session`, `cancel_session`, `resume_session`, and the self-pacing tools `schedule_resume` and
/// `schedule_recurring` for sessions Pacer runs.
extension MCPToolCatalogue {
    static var sessionTools: [MCPTool] { [listSessions, getSession, cancelSession, resumeSession] }
    static var pacingTools: [MCPTool] { [pacing(ScheduleResumeTool()), pacing(ScheduleRecurringTool())] }

    /// Most sessions read to filter by state.
    static let sessionScanLimit = 10_000

    static let listSessions = MCPTool(
        "list_sessions", title: "List agent sessions", scope: .read, readOnly: true, idempotent: true,
        description: """
            List agent sessions, newest first: id, agent, schedule, state (pending, running, waiting, done, error, \
            cancelled), tokens, cost, when a waiting session resumes, and the last answer. Filter by `schedule` \
            (id or name) and `state`. get_session shows one in full.
            """,
        properties: [
            "schedule": MCPSchemas.string("Only sessions of this schedule (id or name).", maxLength: 1000),
            "state": ["type": "string", "enum": .array(Session.State.allCases.map { .string($0.rawValue) }),
                      "description": "Only sessions in this state."],
            "limit": MCPSchemas.integer("Most sessions to list (default 50).", minimum: 1, maximum: 1000),
        ]
    ) { args, context in
        let limit = try args.integer("limit", in: 1...1000) ?? 50
        var state: Session.State?
        if let text = try args.string("state", max: 100) {
            guard let s = Session.State(rawValue: text) else {
                throw MCPToolError(field: "state", "'\(text.prefix(100))' is not a session state; use \(Session.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = s
        }
        var scheduleID: String?
        if let reference = try args.string("schedule", max: 1000) { scheduleID = try await context.schedule(reference).id }
        var sessions = try await context.store.sessions(scheduleID: scheduleID, itemKey: nil, limit: state == nil ? limit : sessionScanLimit)
        if let state { sessions = sessions.filter { $0.state == state } }
        let page = sessions.prefix(limit).map(MCPViews.sessionSummary)
        return ["ok": true, "sessions": .array(page), "count": .number(Double(page.count))]
    }

    static let getSession = MCPTool(
        "get_session", title: "Show an agent session", scope: .read, readOnly: true, idempotent: true,
        description: """
            Show one agent session in full: its transcript (messages), tool log (each call's name, arguments, output, \
            duration), events, input/output tokens, cost, state, when it resumes and its recurrence, and the names of \
            its agent and schedule.
            """,
        properties: ["id": MCPSchemas.string("The session's id (ses_...).", maxLength: 200)], required: ["id"]
    ) { args, context in
        let id = try args.string("id", required: true, max: 200)!
        guard let session = try await context.store.session(id: id) else {
            throw MCPToolError(field: "id", code: "not_found", "no session with id '\(id.prefix(200))'; list_sessions shows the sessions")
        }
        return ["ok": true, "session": try await MCPViews.session(session, store: context.store)]
    }

    static let cancelSession = sessionAction(
        "cancel_session", title: "Cancel an agent session", idempotent: false,
        "Cancel an agent session that is pending, running or waiting (by id): it never runs again. A running session's run stops. Returns the session.",
        SessionOperations.cancel)

    static let resumeSession = sessionAction(
        "resume_session", title: "Wake a waiting session now", idempotent: true,
        "Wake a waiting agent session now instead of at its resume_at (by id), keeping its prompt and recurrence; a running Pacer starts it within a second. Returns the session.",
        SessionOperations.resumeNow)

    /// A tool that carries out a session operation on the session `id` and answers the session.
    static func sessionAction(_ name: String, title: String, idempotent: Bool, _ description: String,
                              _ operation: @escaping @Sendable (String, OperationContext) async throws -> Session) -> MCPTool {
        MCPTool(name, title: title, scope: .run, idempotent: idempotent, description: description,
                properties: ["id": MCPSchemas.string("The session's id (ses_...).", maxLength: 200)], required: ["id"]
        ) { args, context in
            let session = try await operation(try args.string("id", required: true, max: 200)!, context.operations)
            return ["ok": true, "session": try await MCPViews.session(session, store: context.store)]
        }
    }

    /// A built-in self-pacing tool for a session named by `session_id`: the same arguments,
    /// limits (60 s to 30 days) and caps as the tool an agent is offered.
    static func pacing(_ tool: any AgentTool) -> MCPTool {
        let spec = tool.spec
        var properties: [String: JSONValue] = [:]
        if case .object(let p)? = spec.inputSchema["properties"] { properties = p }
        if properties["every"] != nil {
            properties["every"] = ["type": ["number", "string"],
                                   "description": "Seconds between runs (60 to 2592000), or a duration such as '15m', '1h' or '1d'."]
        }
        properties["session_id"] = MCPSchemas.string("The session to pace (ses_...): one Pacer runs that is running or waiting.", maxLength: 200)
        var required: [String] = ["session_id"]
        if case .array(let r)? = spec.inputSchema["required"] { required += r.compactMap { if case .string(let s) = $0 { s } else { nil } } }
        let what = spec.name == "schedule_resume"
            ? "Make the agent session `session_id` continue later: at `at` (RFC 3339) or after `seconds_from_now` (60 s to 30 days), with `prompt` as a new user message after its whole transcript."
            : "Make the agent session `session_id` wake up every `every` seconds (60 s to 30 days; '15m', '1h' also accepted) until `until` or for `max_runs` runs, with `prompt` ({run} and {total} replaced) as a new user message each time."
        return MCPTool(
            spec.name, title: spec.name == "schedule_resume" ? "Resume a session later" : "Wake a session on a cadence", scope: .run,
            description: what + """
                 Only a session that is running or waiting can be paced; a waiting one is rescheduled at once, a running \
                one when its current run ends. The session's caps apply (max_resumes, max_lifetime_hours, \
                max_total_tokens, max_cost): a deferral that would breach one ends the session with a cap_exceeded event. \
                Returns {"ok": true, "resume_at": ...}.
                """,
            properties: properties, required: required
        ) { args, context in
            try await MCPPacing.pace(tool, args: args, context: context)
        }
    }
}

/// Carries out a self-pacing call on a stored session, as the built-in tool's effect would be
/// carried out at the end of the session's run.
enum MCPPacing {
    static func pace(_ tool: any AgentTool, args: MCPArguments, context: MCPToolContext) async throws -> JSONValue {
        let id = try args.string("session_id", required: true, max: 200)!
        let store = context.store
        guard let session = try await store.session(id: id) else {
            throw MCPToolError(field: "session_id", code: "not_found", "no session with id '\(id.prefix(200))'; list_sessions shows the sessions")
        }
        guard session.state == .running || session.state == .waiting else {
            throw MCPToolError(field: "session_id", "session \(id) is \(session.state.rawValue); only a running or waiting session can be paced")
        }
        guard let agent = try await store.agent(id: session.agentID) else {
            throw MCPToolError(field: "session_id", code: "not_found", "the agent \(session.agentID) of session \(id) no longer exists")
        }
        let schedule: Schedule? = if let sid = session.scheduleID { try await store.schedule(id: sid) } else { nil }
        let caps = (schedule?.caps ?? Caps()).resolved(over: context.configuration.defaultCaps)
        let at = context.instant
        var arguments = args.object
        arguments["session_id"] = nil
        let toolContext = ToolContext(session: session, agent: agent, schedule: schedule, caps: caps, now: at, store: store)
        let output = await tool.call(.object(arguments), context: toolContext)
        let source: [String: JSONValue] = ["tool": .string(tool.spec.name), "via": "mcp", "caller": .string(context.caller.name)]
        switch output.effect {
        case .capExceeded(let breach)?:
            // A waiting session ends here; a running one is ended by its own run on its next check.
            _ = try await store.transitionSession(
                id: id, from: [.waiting], to: .error, resumeAt: nil, resumePrompt: nil, recurrence: session.recurrence,
                event: SessionEvent(at: at, kind: .capExceeded, detail: breach.detail.merging(source) { a, _ in a }), at: at)
            throw MCPToolError(field: nil, code: "cap_exceeded", breach.description, extra: breach.detail)
        case let effect?:
            try await reschedule(session, effect: effect, source: source, at: at, store: store)
        case nil:
            throw toolError(output.result)
        }
        guard case .object(var result) = output.result else { return output.result }
        result["session_id"] = .string(id)
        result["state"] = .string(session.state.rawValue)
        if session.state == .running { result["note"] = "the session is running; it waits when its current run ends" }
        return .object(result)
    }

    /// Records the deferral. A waiting session gets its new wake-up now. A running session is
    /// being driven by its run, which at its end goes on with the session's stored recurrence:
    /// the deferral is stored as one (a single-run one for `schedule_resume`), and the run
    /// makes the session wait for it.
    static func reschedule(_ session: Session, effect: ToolEffect, source: [String: JSONValue], at: Date, store: any Store) async throws {
        var detail = source
        switch effect {
        case .resume(let wakeAt, _):
            detail["resume_at"] = .string(PacerJSON.format(wakeAt))
        case .recurring(let recurrence):
            detail["resume_at"] = .string(PacerJSON.format(recurrence.startedAt))
            detail["every_seconds"] = .number(Double(recurrence.everySeconds))
            if let maxRuns = recurrence.maxRuns { detail["max_runs"] = .number(Double(maxRuns)) }
            if let until = recurrence.until { detail["until"] = .string(PacerJSON.format(until)) }
        case .capExceeded:
            return
        }
        // Written only from the state read at the call's start, with its event, in one
        // transaction: a session the engine woke or ended meanwhile is a conflict.
        guard let write = SessionDeferral.write(for: effect, drivenByARun: session.state == .running, at: at),
              try await store.transitionSession(
                  id: session.id, from: [session.state], to: write.state, resumeAt: write.resumeAt, resumePrompt: write.resumePrompt,
                  recurrence: write.recurrence, event: SessionEvent(at: at, kind: .resumeScheduled, detail: detail), at: at) != nil
        else {
            throw MCPToolError(field: "session_id", code: "conflict", "session \(session.id) changed state meanwhile; read it again and retry")
        }
    }

    /// The built-in tool's `{"ok": false, "error": ..., "field": ...}` as a tool error.
    static func toolError(_ result: JSONValue) -> MCPToolError {
        var field: String?
        if case .string(let f)? = result["field"] { field = f }
        var message = "the call failed"
        if case .string(let m)? = result["error"] { message = m }
        var error = MCPToolError(field: nil, message)
        error.field = field
        return error
    }
}
