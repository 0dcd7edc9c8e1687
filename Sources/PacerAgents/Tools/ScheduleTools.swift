import Foundation
import PacerCore
import PacerOperations

/// `list_schedules`: the schedules this agent may manage.
public struct ListSchedulesTool: AgentTool {
    public init() {}
    public var spec: ToolSpec {
        ToolSpec(name: "list_schedules",
                 description: "List the schedules you manage (those you created, and the one that started this session), with their next fire.",
                 inputSchema: ["type": "object", "properties": [:], "additionalProperties": false])
    }
    public func isDangerous(_ arguments: JSONValue) -> Bool { false }
    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            var out: [JSONValue] = []
            for schedule in try await ScheduleAccess.managed(context) {
                out.append(ScheduleAccess.summary(schedule, state: try await context.store.state(scheduleID: schedule.id)))
            }
            return .success(["schedules": .array(out)])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

/// `create_schedule`: a new schedule, by default running this agent with a prompt. Creating
/// one identical to an existing schedule (same owner, timing and target) returns that one.
public struct CreateScheduleTool: AgentTool {
    public init() {}
    public var spec: ToolSpec {
        ToolSpec(
            name: "create_schedule",
            description: """
                Create a schedule. By default it runs you (this agent) with `prompt` at each fire. `rule` is a cron \
                expression ('0 9 * * 1-5'), a rule such as 'every 15m' or 'every weekday at 09:00', or an ISO 8601 \
                instant with an offset ('2026-12-24T18:00:00Z') for a single fire; `cron`, `every` ('30m') and `at` \
                (an instant) are shorthands for it. If you already have an identical schedule, it is returned instead \
                of a duplicate.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "rule": ["type": "string", "description": "Cron expression, rule text or ISO 8601 instant."],
                    "cron": ["type": "string", "description": "Shorthand for rule: a cron expression."],
                    "every": ["type": "string", "description": "Shorthand for rule 'every N': 30s, 15m, 2h."],
                    "at": ["type": "string", "format": "date-time", "description": "Shorthand for one fire at this instant."],
                    "prompt": ["type": "string", "description": "What you will be asked at each fire (a Mustache template)."],
                    "name": ["type": "string", "description": "A unique name (default: generated)."],
                    "timezone": ["type": "string", "description": "IANA time zone of the rule (default UTC)."],
                    "max_fires": ["type": "integer", "minimum": 1, "description": "Fire at most this many times."],
                    "target": ["type": "object", "description": "Another target instead of this agent, e.g. {\"kind\": \"http\", \"url\": ...}."],
                ],
                "additionalProperties": false,
            ])
    }

    public func isDangerous(_ arguments: JSONValue) -> Bool {
        guard let args = try? ToolArguments(arguments), let target = try? ScheduleAccess.target(args) else { return false }
        return ScheduleAccess.isDangerous(target)
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let id = PacerID.make(.schedule, at: context.now)
            // Read as every surface reads a definition (``PacerOperations/ScheduleInput``).
            let (schedule, _) = try ScheduleInput.read(try Self.definition(args, context: context, id: id), assigned: [
                "id": .string(id), "owner": .string(context.agentOwner), "created_at": .string(PacerJSON.format(context.now)),
                "updated_at": .string(PacerJSON.format(context.now)), "revision": 1,
            ], now: context.now)
            if let existing = try await context.store.identicalSchedule(to: schedule), existing.hasSameSettings(as: schedule) {
                let state = try await context.store.state(scheduleID: existing.id)
                return .success(["schedule": ScheduleAccess.summary(existing, state: state), "existing": true])
            }
            try await ScheduleAccess.requireAllowed(schedule, context: context)
            let stored = try await context.store.createSchedule(schedule, author: context.agentOwner)
            let state = try await context.store.state(scheduleID: stored.id)
            return .success(["schedule": ScheduleAccess.summary(stored, state: state), "existing": false])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }

    /// The arguments this tool takes.
    static let allowed: Set<String> = ["rule", "cron", "every", "at", "timezone", "prompt", "name", "max_fires", "target"]

    /// The tool's arguments as a definition: an instant given as `rule` is one fire at it,
    /// `max_fires` is `timing.max_fires`, and without a `target` the schedule runs this agent
    /// with `prompt`, named after it and with the caps of the session's schedule.
    static func definition(_ args: ToolArguments, context: ToolContext, id: String) throws -> [String: JSONValue] {
        var object = args.object
        // Only the tool's own arguments: an agent never sets its schedules' caps, owner or
        // policies itself.
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw ToolArgumentError(field: key, "is not an argument of this tool")
        }
        if case .string(let text)? = object["rule"], PacerJSON.parse(text.trimmingCharacters(in: .whitespaces)) != nil {
            object["rule"] = nil
            object["at"] = .string(text)
        }
        if let maxFires = object.removeValue(forKey: "max_fires"), maxFires != .null { object["timing"] = ["max_fires": maxFires] }
        if object["target"] == nil || object["target"] == .null {
            object["agent"] = .string(context.agent.name)
            if object["prompt"] == nil || object["prompt"] == .null {
                throw ToolArgumentError(field: "prompt", "is required when no target is given")
            }
        }
        if object["name"] == nil || object["name"] == .null { object["name"] = .string("\(context.agent.name)-\(id.suffix(8))") }
        if let caps = context.schedule?.caps { object["caps"] = try PacerJSON.decode(JSONValue.self, from: PacerJSON.encode(caps)) }
        return object
    }
}

/// `update_schedule`: changes the rule, zone, prompt, name, fire limit or enabled flag.
public struct UpdateScheduleTool: AgentTool {
    public init() {}
    public var spec: ToolSpec {
        ToolSpec(
            name: "update_schedule",
            description: "Change one of your schedules: its rule (or cron, every, at), timezone, prompt, name, max_fires or enabled flag. Only the given fields change.",
            inputSchema: [
                "type": "object",
                "properties": [
                    "schedule": ScheduleAccess.scheduleReference,
                    "rule": ["type": "string"], "cron": ["type": "string"], "every": ["type": "string"],
                    "at": ["type": "string", "format": "date-time"], "timezone": ["type": "string"], "prompt": ["type": "string"],
                    "name": ["type": "string"], "max_fires": ["type": "integer", "minimum": 1], "enabled": ["type": "boolean"],
                ],
                "additionalProperties": false,
            ])
    }
    public func isDangerous(_ arguments: JSONValue) -> Bool { false }

    /// The members this tool may change; anything else (a target above all, which the deny
    /// floor judges only on creation) is refused.
    static let changeable: Set<String> = ["rule", "cron", "every", "at", "timezone", "prompt", "name", "max_fires", "enabled"]

    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let stored = try await ScheduleAccess.find(args, context: context, defaultToOwn: true)
            var patch = args.object
            patch["schedule"] = nil
            for key in patch.keys.sorted() where !Self.changeable.contains(key) {
                throw ToolArgumentError(field: key, "is not an argument of this tool")
            }
            if args.has("prompt") {
                guard case .agent = stored.target else { throw ToolArgumentError(field: "prompt", "the schedule does not run an agent") }
            }
            if let maxFires = patch.removeValue(forKey: "max_fires"), maxFires != .null { patch["timing"] = ["max_fires": maxFires] }
            // Read as every surface reads a change (``PacerOperations/ScheduleInput``): a merge
            // patch of the stored definition, fields named as the model gave them.
            let renames = try ScheduleInput.expandShorthands(&patch, now: context.now)
            guard case .object(let merged) = DefinitionJSON.merge(try DefinitionJSON.json(stored), .object(patch)) else {
                throw ToolArgumentError(field: nil, "arguments must be a JSON object")
            }
            var edited = try ScheduleInput.schedule(merged, input: patch, renames: renames)
            if edited == stored {
                return .success(["schedule": ScheduleAccess.summary(stored, state: try await context.store.state(scheduleID: stored.id))])
            }
            edited.updatedAt = max(context.now, stored.updatedAt)
            edited.revision = stored.revision  // the store raises it, and refuses when another change came first
            try await ScheduleAccess.requireAllowed(edited, context: context)
            let saved = try await context.store.updateSchedule(edited, author: context.agentOwner)
            return .success(["schedule": ScheduleAccess.summary(saved, state: try await context.store.state(scheduleID: saved.id))])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

/// `pause_schedule` and `resume_schedule`.
public struct PauseScheduleTool: AgentTool {
    /// Whether this is `pause_schedule` (else `resume_schedule`).
    public let pause: Bool
    /// - Parameter pause: `true` for `pause_schedule`, `false` for `resume_schedule`.
    public init(pause: Bool) { self.pause = pause }
    public var spec: ToolSpec {
        var properties: [String: JSONValue] = ["schedule": ScheduleAccess.scheduleReference]
        if pause { properties["reason"] = ["type": "string", "description": "Why (kept on the schedule)."] }
        return ToolSpec(name: pause ? "pause_schedule" : "resume_schedule",
                        description: pause ? "Pause one of your schedules: it stops firing until resumed."
                                           : "Resume one of your paused schedules.",
                        inputSchema: ["type": "object", "properties": .object(properties), "additionalProperties": false])
    }
    public func isDangerous(_ arguments: JSONValue) -> Bool { false }
    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let schedule = try await ScheduleAccess.find(args, context: context, defaultToOwn: true)
            let reason = pause ? (try args.string("reason", max: 500) ?? "paused by agent \(context.agent.name)") : nil
            try await context.store.setPaused(scheduleID: schedule.id, reason: reason)
            return .success(["schedule": ScheduleAccess.summary(schedule, state: try await context.store.state(scheduleID: schedule.id))])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

/// `delete_schedule`: dangerous, so denied in unattended sessions unless the agent allows it.
public struct DeleteScheduleTool: AgentTool {
    public init() {}
    public var spec: ToolSpec {
        ToolSpec(name: "delete_schedule", description: "Delete one of your schedules for good (its runs go with it).",
                 inputSchema: ["type": "object", "properties": ["schedule": ScheduleAccess.scheduleReference],
                               "required": ["schedule"], "additionalProperties": false])
    }
    public func isDangerous(_ arguments: JSONValue) -> Bool { true }
    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let schedule = try await ScheduleAccess.find(try ToolArguments(arguments), context: context)
            let deleted = try await context.store.deleteSchedule(id: schedule.id)
            return .success(["deleted": .bool(deleted), "id": .string(schedule.id)])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}

/// `run_history`: the latest runs of one of the agent's schedules.
public struct RunHistoryTool: AgentTool {
    public init() {}
    public var spec: ToolSpec {
        ToolSpec(name: "run_history", description: "The latest runs of one of your schedules (default: the one that started this session), newest first.",
                 inputSchema: ["type": "object",
                               "properties": ["schedule": ScheduleAccess.scheduleReference,
                                              "limit": ["type": "integer", "minimum": 1, "maximum": 50]],
                               "additionalProperties": false])
    }
    public func isDangerous(_ arguments: JSONValue) -> Bool { false }
    public func call(_ arguments: JSONValue, context: ToolContext) async -> ToolOutput {
        do {
            let args = try ToolArguments(arguments)
            let limit = try args.integer("limit") ?? 10
            guard (1...50).contains(limit) else { throw ToolArgumentError(field: "limit", "\(limit) must be between 1 and 50") }
            let schedule = try await ScheduleAccess.find(args, context: context, defaultToOwn: true)
            let runs: [JSONValue] = try await context.store.runs(scheduleID: schedule.id, limit: limit).map { run in
                var o: [String: JSONValue] = [
                    "id": .string(run.id), "status": .string(run.status.rawValue), "trigger": .string(run.trigger.rawValue),
                    "scheduled_at": .string(PacerJSON.format(run.scheduledAt)), "attempt": .number(Double(run.attempt)),
                    "step": .number(Double(run.step)),
                ]
                if let at = run.startedAt { o["started_at"] = .string(PacerJSON.format(at)) }
                if let at = run.finishedAt { o["finished_at"] = .string(PacerJSON.format(at)) }
                if let key = run.itemKey { o["item_key"] = .string(key) }
                if let output = run.output { o["output"] = .string(String(output.prefix(1000))) }
                if let error = run.error { o["error"] = .string(error) }
                if let session = run.sessionID { o["session_id"] = .string(session) }
                return .object(o)
            }
            return .success(["schedule": .string(schedule.name), "runs": .array(runs)])
        } catch {
            return ScheduleAccess.failure(error)
        }
    }
}
