import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// What applying one entry of a schedule file (an agent or a schedule) did (or, in a dry
/// run, would do).
struct ApplyResult: Sendable, Hashable, Encodable {
    /// What an entry defines.
    enum Kind: String, Sendable, Hashable, Encodable {
        case agent, schedule
    }

    /// The four outcomes.
    enum Action: String, Sendable, Hashable, Encodable {
        /// No schedule had the name; one was created.
        case created
        /// The stored definition differed and was replaced (a new revision).
        case updated
        /// The stored definition is the same; nothing was written.
        case unchanged
        /// The name exists and the entry says `if_exists: skip`.
        case skipped
    }

    /// The schedule's (or agent's) name.
    var name: String
    /// What happened.
    var action: Action
    /// The schedule's (or agent's) id; `nil` for one a dry run would create.
    var scheduleID: String?
    /// The revision after applying; `nil` for a dry run's new schedule and for agents.
    var revision: Int?
    /// Top-level members that changed (`timing`, `target`, ...), for `updated`.
    var changes: [String]
    /// Whether the entry is an agent or a schedule.
    var kind: Kind = .schedule

    enum CodingKeys: String, CodingKey { case name, action, changes, kind, scheduleID = "schedule_id", agentID = "agent_id", revision }

    /// `{kind, name, action, changes, schedule_id | agent_id, revision}`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(action, forKey: .action)
        try c.encode(changes, forKey: .changes)
        try c.encodeIfPresent(scheduleID, forKey: kind == .agent ? .agentID : .scheduleID)
        try c.encodeIfPresent(revision, forKey: .revision)
    }
}

extension ScheduleFile {
    /// Creates or updates the file's agents, then its schedules, by name. An entry equal to the stored
    /// definition (ignoring id, created_at, updated_at and revision) writes nothing, so
    /// applying the same file twice records no new revision. An `if_exists: raise` entry
    /// whose name exists with a different definition fails the whole apply before anything is
    /// written (an identical one is left unchanged, so a file applied on every start works).
    /// - Parameters:
    ///   - store: the store to write to.
    ///   - now: the instant recorded as creation or update time.
    ///   - author: recorded on the revisions.
    ///   - dryRun: work out the results without writing.
    ///   - policy: the server's settings every definition is checked against (``Privilege``);
    ///     the settings published to the store when `nil`.
    /// - Returns: one result per entry, agents first, each in file order.
    /// - Throws: ``ScheduleFileError`` for `raise` conflicts, agent targets naming no agent and
    ///   definitions the settings refuse (nothing is written then); store errors.
    func apply(to store: any Store, now: Date, author: String = "cli", dryRun: Bool = false,
               policy: ServerPolicy? = nil) async throws -> [ApplyResult] {
        var policy = policy
        if policy == nil { policy = try await store.effectivePolicy() }
        let storedAgents = try await store.agents()
        var agentsByName: [String: Agent] = [:]
        for a in storedAgents { agentsByName[a.name] = a }
        let (agentPlan, agentConflicts) = planAgents(agentsByName)

        var stored: [String: Schedule] = [:]
        for s in try await store.schedules() where stored[s.name] == nil { stored[s.name] = s }

        var plan: [(Entry, ApplyResult, Schedule?)] = []
        var conflicts: [FieldError] = agentConflicts + unknownAgentTargets(storedAgents)
            + refusals(storedAgents, author: author, policy: policy!)
        for entry in entries {
            let name = entry.schedule.name
            guard let current = stored[name] else {
                plan.append((entry, ApplyResult(name: name, action: .created, changes: []), nil))
                continue
            }
            let result = { (action: ApplyResult.Action, changes: [String]) in
                ApplyResult(name: name, action: action, scheduleID: current.id, revision: current.revision, changes: changes)
            }
            switch entry.ifExists {
            case .raise:
                // The same definition is no conflict: `serve --config` applies the file on every start.
                let changes = Self.differences(entry.schedule, current)
                if changes.isEmpty {
                    plan.append((entry, result(.unchanged, []), current))
                } else {
                    conflicts.append(FieldError(field: "\(entry.path).name", message:
                        "a schedule named '\(name)' exists already (if_exists: raise) and differs in \(changes.joined(separator: ", "))"))
                }
            case .skip:
                plan.append((entry, result(.skipped, []), current))
            case .update:
                let changes = Self.differences(entry.schedule, current)
                plan.append((entry, result(changes.isEmpty ? .unchanged : .updated, changes), current))
            }
        }
        if !conflicts.isEmpty { throw ScheduleFileError(source: source, conflicts) }
        if dryRun { return agentPlan.map(\.1) + plan.map(\.1) }

        var results: [ApplyResult] = []
        // The writes are the shared operations, by the file's author with every scope, under
        // the settings every entry was just checked against.
        let context = OperationContext(caller: Caller(name: author, scopes: Set(Scope.allCases)), store: store,
                                       policy: policy!, clock: ApplyClock(instant: now))
        for (entry, planned, current) in agentPlan {
            results.append(try await Self.write(entry, planned, current, to: store, now: now, author: author))
        }
        for (entry, planned, current) in plan {
            var result = planned
            switch planned.action {
            case .created:
                var s = entry.schedule
                s.id = PacerID.make(.schedule, at: now)
                s.createdAt = now
                s.updatedAt = now
                s.revision = 1
                // A file applied again later keeps its `at`: a past one-shot is no error here.
                let created = try await ScheduleOperations.create(s, deduplicate: false, pastInstants: true, in: context).schedule
                result.scheduleID = created.id
                result.revision = created.revision
            case .updated:
                let saved = try await ScheduleOperations.replace(current!, with: entry.schedule, pastInstants: true, in: context).schedule
                result.revision = saved.revision
            case .unchanged, .skipped:
                break
            }
            results.append(result)
        }
        return results
    }

    /// The top-level members in which a file's definition differs from a stored one
    /// (id, created_at, updated_at and revision are not compared).
    static func differences(_ a: Schedule, _ b: Schedule) -> [String] {
        var out: [String] = []
        if a.name != b.name { out.append("name") }
        if a.owner != b.owner { out.append("owner") }
        if a.enabled != b.enabled { out.append("enabled") }
        if a.notes != b.notes { out.append("notes") }
        if a.timing != b.timing { out.append("timing") }
        if a.target != b.target { out.append("target") }
        if a.dispatch != b.dispatch { out.append("dispatch") }
        if a.policies != b.policies { out.append("policies") }
        if a.caps != b.caps { out.append("caps") }
        if a.delivery != b.delivery { out.append("delivery") }
        return out
    }
}

/// The instant an apply records on everything it writes.
private struct ApplyClock: WallClock {
    let instant: Date
    func now() -> Date { instant }
    func sleep(until deadline: Date) async throws { try await SystemClock().sleep(until: deadline) }
}
