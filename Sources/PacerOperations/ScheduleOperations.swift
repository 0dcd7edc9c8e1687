import Foundation
import PacerCore
import PacerStore

/// The schedule operations every surface offers (the API, the MCP tools), written once: each
/// takes a definition as ``ScheduleInput`` reads it and an ``OperationContext``, and returns
/// the stored schedule or throws `ValidationError` (field paths in the input's own names),
/// `Privilege.Refusal`, ``OperationError`` or a store error, which each surface maps to its
/// envelope.
public enum ScheduleOperations {
    /// What ``create(_:deduplicate:in:)`` did.
    public struct Created: Sendable {
        public var schedule: Schedule
        /// An identical schedule of the caller existed, and is returned instead.
        public var existing: Bool
    }

    /// Creates a schedule owned by the caller.
    /// - Parameters:
    ///   - definition: the definition object (members the store assigns are ignored).
    ///   - deduplicate: return the caller's identical schedule (same owner, timing and target,
    ///     found by fingerprint, and the same dispatch, policies, caps, delivery and enabled
    ///     flag) instead of creating a second one.
    /// - Throws: `ValidationError` naming every field at fault, `Privilege.Refusal`,
    ///   ``PacerStore/StoreError/nameTaken(_:)``.
    public static func create(_ definition: [String: JSONValue], deduplicate: Bool, in context: OperationContext) async throws -> Created {
        var object = definition
        for key in ScheduleInput.assignedKeys { object[key] = nil }
        let now = context.instant
        let (schedule, renames) = try ScheduleInput.read(object, assigned: [
            "id": .string(PacerID.make(.schedule, at: now)), "owner": .string(context.caller.name),
            "created_at": .string(PacerJSON.format(now)), "updated_at": .string(PacerJSON.format(now)), "revision": 1,
        ])
        return try await create(schedule, renames: renames, deduplicate: deduplicate, in: context)
    }

    /// Creates a schedule a surface built itself (the CLI from its flags): the same checks as
    /// a definition read by ``ScheduleInput``, then stored.
    /// - Parameters:
    ///   - schedule: the schedule, its id, owner and instants set.
    ///   - renames: how the input named the stored fields, for errors.
    ///   - deduplicate: as ``create(_:deduplicate:in:)``.
    ///   - pastInstants: accept a one-shot rule whose instant has passed (a file applied again
    ///     keeps its `at`); refused by default.
    public static func create(_ schedule: Schedule, renames: [String: String] = [:], deduplicate: Bool,
                              pastInstants: Bool = false, in context: OperationContext) async throws -> Created {
        if !pastInstants { try ScheduleInput.requireFuture(schedule.timing.rule, now: context.clock.now(), renames: renames) }
        try await check(schedule, renames: renames, in: context)
        if deduplicate, let existing = try await context.store.identicalSchedule(to: schedule), existing.hasSameSettings(as: schedule) {
            return Created(schedule: existing, existing: true)
        }
        return Created(schedule: try await context.store.createSchedule(schedule, author: context.caller.name), existing: false)
    }

    /// What ``patch(_:with:expectedRevision:in:)`` did.
    public struct Patched: Sendable {
        public var schedule: Schedule
        /// Whether a new revision was stored (`false`: the patch changed nothing).
        public var changed: Bool
    }

    /// Changes a schedule by a JSON merge patch of its definition (an object with a `kind`,
    /// such as a target, replaces the stored one whole), stored as a new revision. A change
    /// made meanwhile by someone else is merged again, twice at most, unless
    /// `expectedRevision` pins the revision the patch was made from.
    /// - Throws: `ValidationError`, `Privilege.Refusal`, ``OperationError`` (not found; a
    ///   conflict with `expectedRevision` or with changes that kept coming), store errors.
    public static func patch(_ reference: String, with changes: [String: JSONValue], expectedRevision: Int?,
                             in context: OperationContext) async throws -> Patched {
        var patch = changes
        for key in ScheduleInput.assignedKeys { patch[key] = nil }
        let renames = try ScheduleInput.expandShorthands(&patch)
        for _ in 1...3 {
            let stored = try await context.schedule(reference)
            if let expectedRevision, expectedRevision != stored.revision {
                throw OperationError.conflict(field: "revision", message: "revision \(expectedRevision) is out of date; the stored revision is \(stored.revision)")
            }
            if let key = loneAgentMember(patch, renames), stored.target.kind != .agent {
                throw ValidationError([FieldError(field: key, message: "the schedule does not run an agent; give agent with prompt to make it run one")])
            }
            guard case .object(let merged) = DefinitionJSON.merge(try DefinitionJSON.json(stored), .object(patch)) else {
                throw ValidationError([FieldError(field: "body", message: "must be a JSON object")])
            }
            let edited = try ScheduleInput.schedule(merged, input: patch, renames: renames)
            do {
                return try await replace(stored, with: edited, renames: renames, in: context)
            } catch StoreError.revisionConflict where expectedRevision == nil {
                continue  // changed meanwhile: apply the patch to the new definition
            }
        }
        throw OperationError.conflict(field: nil, message: "the schedule kept changing meanwhile; read it again and retry")
    }

    /// The agent shorthand given alone (`agent` or `prompt` without the other), which changes
    /// that member of the stored agent target.
    static func loneAgentMember(_ patch: [String: JSONValue], _ renames: [String: String]) -> String? {
        guard case .object(let target)? = patch["target"], target["kind"] == nil else { return nil }
        return ["agent", "prompt"].first { target[$0] != nil && renames["target.\($0)"] != nil }
    }

    /// Replaces a schedule's definition with `edited`, made from `stored` as it was read (a
    /// change stored meanwhile makes it a ``PacerStore/StoreError/revisionConflict(scheduleID:stored:given:)``),
    /// after the checks a new definition passes; a changed rule that is a past instant is refused.
    /// - Returns: the schedule, and whether a new revision was stored.
    public static func replace(_ stored: Schedule, with edited: Schedule, renames: [String: String] = [:],
                               pastInstants: Bool = false, in context: OperationContext) async throws -> Patched {
        var edited = edited
        edited.id = stored.id
        edited.createdAt = stored.createdAt
        edited.revision = stored.revision
        edited.updatedAt = stored.updatedAt
        if edited == stored { return Patched(schedule: stored, changed: false) }
        if edited.timing.rule != stored.timing.rule, !pastInstants {
            try ScheduleInput.requireFuture(edited.timing.rule, now: context.clock.now(), renames: renames)
        }
        try await check(edited, renames: renames, in: context)
        edited.updatedAt = max(context.instant, stored.updatedAt)
        return Patched(schedule: try await context.store.updateSchedule(edited, author: context.caller.name), changed: true)
    }

    /// Pauses a schedule: it stops firing, keeping its definition, until resumed.
    /// - Parameter reason: why (kept on the schedule); `nil` says who paused it.
    /// - Throws: `ValidationError` (`reason` blank or longer than 1,000 characters),
    ///   ``OperationError/notFound(kind:reference:)``.
    @discardableResult
    public static func pause(_ reference: String, reason: String?, in context: OperationContext) async throws -> Schedule {
        let schedule = try await context.schedule(reference)
        var why = "paused by \(context.caller.name)"
        if let reason {
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw ValidationError([FieldError(field: "reason", message: "must not be empty")]) }
            guard trimmed.count <= 1000 else {
                throw ValidationError([FieldError(field: "reason", message: "is \(trimmed.count) characters long; at most 1000 are allowed")])
            }
            why = trimmed
        }
        try await context.store.setPaused(scheduleID: schedule.id, reason: why)
        return schedule
    }

    /// Resumes a paused schedule: it fires from its next fire after now; its failure count
    /// is reset.
    @discardableResult
    public static func resume(_ reference: String, in context: OperationContext) async throws -> Schedule {
        let schedule = try await context.schedule(reference)
        try await context.store.setPaused(scheduleID: schedule.id, reason: nil)
        return schedule
    }

    /// Deletes a schedule with its state and runs (its revisions stay as history).
    /// - Returns: the schedule that was deleted.
    @discardableResult
    public static func delete(_ reference: String, in context: OperationContext) async throws -> Schedule {
        let schedule = try await context.schedule(reference)
        guard try await context.store.deleteSchedule(id: schedule.id) else {
            throw OperationError.notFound(kind: "schedule", reference: reference)
        }
        return schedule
    }

    /// Restores a past revision's definition as a new revision, when the caller may define it.
    /// - Throws: ``OperationError/notFound(kind:reference:)`` for the schedule or the revision,
    ///   `Privilege.Refusal`.
    public static func rollback(_ reference: String, to revision: Int, in context: OperationContext) async throws -> Schedule {
        let schedule = try await context.schedule(reference)
        guard let past = try await context.store.revisions(scheduleID: schedule.id).first(where: { $0.revision == revision }) else {
            throw OperationError.missing(field: "revision", message: "schedule '\(schedule.name)' has no revision \(revision) (it is at revision \(schedule.revision))")
        }
        var agent: Agent?
        if case .agent(let t) = past.snapshot.target { agent = try await Lookup.agent(t.agent, in: context.store) }
        try requirePrivilege(past.snapshot, agent: agent, in: context)
        return try await context.store.rollback(scheduleID: schedule.id, to: revision, author: context.caller.name)
    }

    /// The checks a definition passes before it is stored: its agent exists, and the caller
    /// may define it (``PacerCore/Privilege``). Fields are named as the input gave them.
    /// - Throws: `ValidationError` (the agent), `Privilege.Refusal`.
    public static func check(_ schedule: Schedule, renames: [String: String] = [:], in context: OperationContext) async throws {
        var agent: Agent?
        if case .agent(let t) = schedule.target {
            agent = try await Lookup.agent(t.agent, in: context.store)
            if agent == nil {
                let known = try await context.store.agents().map(\.name).sorted()
                let hint = known.isEmpty ? "there are no agents yet" : "the agents are: \(known.prefix(50).joined(separator: ", "))"
                throw ValidationError([FieldError(field: ScheduleInput.rename("target.agent", renames),
                                                  message: "no agent named '\(t.agent.prefix(200))'; \(hint)")])
            }
        }
        try requirePrivilege(schedule, agent: agent, renames: renames, in: context)
    }

    /// Refuses a definition the caller may not make (``PacerCore/Privilege``).
    /// - Parameter agent: the agent its target names, when there is one.
    /// - Throws: `Privilege.Refusal`, fields named as the input gave them.
    public static func requirePrivilege(_ schedule: Schedule, agent: Agent?, renames: [String: String] = [:],
                                        in context: OperationContext) throws {
        switch Privilege.check(schedule, agent: agent, scopes: context.caller.scopes, policy: context.policy) {
        case nil: return
        case .forbidden(let scope, let field, let message)?:
            throw Privilege.Refusal.forbidden(scope, field: ScheduleInput.rename(field, renames), message)
        case .invalid(let errors)?:
            throw Privilege.Refusal.invalid(errors.map { FieldError(field: ScheduleInput.rename($0.field, renames), message: $0.message) })
        }
    }
}

extension Schedule {
    /// Whether everything but the name, notes and bookkeeping is the same: a creation that
    /// asks for other settings is not a duplicate.
    public func hasSameSettings(as other: Schedule) -> Bool {
        dispatch == other.dispatch && policies == other.policies && caps == other.caps && delivery == other.delivery
            && enabled == other.enabled
    }
}
