import Foundation
import Recurrence

/// A schedule's definition: when it fires, what it runs, how runs are handled and where
/// results go. Runtime facts (next fire, failures) live apart in ``ScheduleState`` so that
/// editing a definition never races the engine.
public struct Schedule: Sendable, Hashable, Codable {
    /// `sch_` followed by a time-ordered random id (``PacerID``).
    public var id: String
    /// A human name, 1-200 characters.
    public var name: String
    /// Who owns it; runs act with the owner's rights, never more.
    public var owner: String
    /// Disabled schedules keep their definition but never fire.
    public var enabled: Bool
    /// Free text.
    public var notes: String?
    /// When it fires.
    public var timing: ScheduleTiming
    /// What a fire runs.
    public var target: Target
    /// One run per fire or one per item.
    public var dispatch: Dispatch
    /// Overlap, misfire, retry, timeout and history policies.
    public var policies: Policies
    /// Limits for agent sessions; missing ones fall back to the server's.
    public var caps: Caps
    /// Where results go.
    public var delivery: Delivery
    /// When the schedule was created.
    public var createdAt: Date
    /// When the definition last changed.
    public var updatedAt: Date
    /// Definition revision, 1 on creation, raised by every change.
    public var revision: Int

    enum CodingKeys: String, CodingKey {
        case id, name, owner, enabled, notes, timing, target, dispatch, policies, caps, delivery, revision
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// - Parameters:
    ///   - id: the id (see ``PacerID``).
    ///   - name: a human name.
    ///   - owner: the owner.
    ///   - enabled: whether it fires.
    ///   - notes: free text.
    ///   - timing: when it fires.
    ///   - target: what it runs.
    ///   - dispatch: single or per item.
    ///   - policies: run policies.
    ///   - caps: session limits.
    ///   - delivery: where results go.
    ///   - createdAt: creation instant.
    ///   - updatedAt: last change; `createdAt` when `nil`.
    ///   - revision: definition revision.
    public init(
        id: String, name: String, owner: String, enabled: Bool = true, notes: String? = nil, timing: ScheduleTiming,
        target: Target, dispatch: Dispatch = .single, policies: Policies = Policies(), caps: Caps = Caps(),
        delivery: Delivery = .none, createdAt: Date, updatedAt: Date? = nil, revision: Int = 1
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.enabled = enabled
        self.notes = notes
        self.timing = timing
        self.target = target
        self.dispatch = dispatch
        self.policies = policies
        self.caps = caps
        self.delivery = delivery
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.revision = revision
    }

    /// Decodes a schedule; every member except `id`, `name`, `owner`, `timing`, `target` and
    /// `created_at` may be left out and takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let createdAt = try c.decode(Date.self, forKey: .createdAt)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            owner: try c.decode(String.self, forKey: .owner),
            enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            notes: try c.decodeIfPresent(String.self, forKey: .notes),
            timing: try c.decode(ScheduleTiming.self, forKey: .timing),
            target: try c.decode(Target.self, forKey: .target),
            dispatch: try c.decodeIfPresent(Dispatch.self, forKey: .dispatch) ?? .single,
            policies: try c.decodeIfPresent(Policies.self, forKey: .policies) ?? Policies(),
            caps: try c.decodeIfPresent(Caps.self, forKey: .caps) ?? Caps(),
            delivery: try c.decodeIfPresent(Delivery.self, forKey: .delivery) ?? .none,
            createdAt: createdAt,
            updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt),
            revision: try c.decodeIfPresent(Int.self, forKey: .revision) ?? 1)
    }

    /// The cadence the engine evaluates: anchored at creation unless the timing names an
    /// anchor, with jitter seeded by the id.
    /// - Throws: ``Recurrence/RecurrenceError`` naming the field at fault.
    public func cadence() throws(RecurrenceError) -> Cadence {
        try timing.cadence(defaultAnchor: createdAt, jitterSeed: Cadence.seed(for: id))
    }

    /// The cadence of a stored definition, decoding only what says when it fires (the id, the
    /// creation instant and the timing), not its target, policies or delivery: what a claim
    /// needs the first time it meets a schedule.
    /// - Parameter definition: the definition's JSON.
    public static func cadence(ofStored definition: Data) throws -> Cadence {
        try PacerJSON.decode(TimingPart.self, from: definition).cadence()
    }

    /// The parts of a definition that say when it fires.
    struct TimingPart: Decodable {
        let id: String
        let createdAt: Date
        let timing: ScheduleTiming
        enum CodingKeys: String, CodingKey {
            case id, timing
            case createdAt = "created_at"
        }

        func cadence() throws(RecurrenceError) -> Cadence {
            try timing.cadence(defaultAnchor: createdAt, jitterSeed: Cadence.seed(for: id))
        }
    }

    /// Whether the rule fires once (an instant): its misfire defaults differ.
    public var firesOnce: Bool {
        if case .once? = try? Rule.parse(timing.rule) { return true }
        return false
    }

    /// The next fire after a change of timing: the first instant of the new rule after now and
    /// after the last fire already claimed, so an edit can never point the schedule back at an
    /// instant a process holds a run for (which would make its next claim a duplicate).
    /// - Parameters:
    ///   - now: the instant of the change.
    ///   - lastFire: the latest scheduled instant already claimed, if any.
    /// - Throws: ``Recurrence/RecurrenceError`` for a rule that does not parse.
    public func nextFireAfterEdit(now: Date, lastFire: Date?) throws(RecurrenceError) -> Date? {
        try cadence().next(after: max(now, lastFire ?? now))
    }

    /// The exclusion rules as cadences in the schedule's zone.
    /// - Throws: ``Recurrence/RecurrenceError`` for a rule or zone that does not parse.
    public func exclusionCadences() throws(RecurrenceError) -> [Cadence] {
        let zone = try timing.zone()
        var out: [Cadence] = []
        for text in policies.exclusions {
            out.append(try Cadence(rule: try Rule.parse(text), zone: zone, anchor: ScheduleTiming.seconds(createdAt)))
        }
        return out
    }

    /// Whether a scheduled instant matches one of the exclusion rules (and is to be skipped).
    /// - Parameters:
    ///   - scheduledAt: the nominal fire, seconds since 1970-01-01T00:00:00Z.
    ///   - exclusions: ``exclusionCadences()``, computed once by the caller.
    public static func isExcluded(_ scheduledAt: Int64, by exclusions: [Cadence]) -> Bool {
        exclusions.contains { $0.next(after: scheduledAt - 1) == scheduledAt }
    }

    /// A copy with the changes applied and `updated_at` set, keeping the revision it was made
    /// from: the store raises it when it stores the change, and refuses the change when
    /// another one was stored since (a stale edit never overwrites a newer one).
    /// - Parameters:
    ///   - now: the instant of the change.
    ///   - change: edits the copy.
    public func revised(at now: Date, _ change: (inout Schedule) -> Void) -> Schedule {
        var copy = self
        change(&copy)
        copy.id = id
        copy.createdAt = createdAt
        copy.updatedAt = now
        copy.revision = revision
        return copy
    }
}
