import Foundation
import Recurrence

/// What a claim decides for a due fire, once, inside its transaction (a pure function): run
/// it, or record it `missed` (misfire policy) or `skipped` (exclusions), and where the
/// schedule's next fire goes. A store keeps one plan per schedule revision. A class: the
/// engine and the store's claims share one plan per revision rather than a copy each.
public final class ClaimPlan: Sendable {
    /// When the schedule fires.
    public let cadence: Cadence
    /// Rules whose instants are skipped.
    public let exclusions: [Cadence]
    /// Misfire policy, grace and catch-up limit.
    public let policies: Policies

    /// The decision for one fire.
    public struct Decision: Sendable, Hashable {
        /// `nil` to run the fire; `missed` or `skipped` to record it as over, never run.
        public var status: Run.Status?
        /// Why it is missed or skipped.
        public var reason: String?
        /// The missed fire's reason for `pacer_fires_missed_total` (`late`, `catchup_limit`).
        public var missedLabel: String?
        /// The schedule's next fire (seconds since 1970), or `nil` when it has none.
        public var next: Int64?
        /// Whether the fire was found late (a catch-up run, or a missed fire): the next fire
        /// is then not the cadence's successor of this one.
        public var misfired = false
    }

    /// - Parameters:
    ///   - cadence: when the schedule fires.
    ///   - exclusions: rules whose instants are skipped.
    ///   - policies: the schedule's policies.
    public init(cadence: Cadence, exclusions: [Cadence], policies: Policies) {
        self.cadence = cadence
        self.exclusions = exclusions
        self.policies = policies
    }

    /// The plan of a stored definition, decoding only its timing and policies (not its
    /// target or delivery).
    /// - Parameter definition: the definition's JSON.
    public convenience init(stored definition: Data) throws {
        let part = try PacerJSON.decode(Part.self, from: definition)
        let timing = Schedule.TimingPart(id: part.id, createdAt: part.createdAt, timing: part.timing)
        let policies = part.policies ?? Policies()
        let zone = try part.timing.zone()
        var exclusions: [Cadence] = []
        for text in policies.exclusions {
            exclusions.append(try Cadence(rule: try Rule.parse(text), zone: zone, anchor: ScheduleTiming.seconds(part.createdAt)))
        }
        self.init(cadence: try timing.cadence(), exclusions: exclusions, policies: policies)
    }

    /// Decides a due fire.
    /// - Parameters:
    ///   - scheduledMillis: its nominal instant, in milliseconds since 1970.
    ///   - fireCount: the schedule's fires so far (for rules with a count).
    ///   - now: the clock; `nil` runs every fire (no misfire or exclusion applies).
    public func decide(scheduledMillis: Int64, fireCount: Int, now: Date?) -> Decision {
        let seconds = scheduledMillis >= 0 ? scheduledMillis / 1000 : (scheduledMillis - 999) / 1000
        var decision = Decision(next: cadence.next(after: seconds, firedCount: fireCount + 1))
        guard let now else { return decision }
        let scheduledAt = Date(timeIntervalSince1970: TimeInterval(scheduledMillis) / 1000)
        switch MisfireDecision.decide(policies, cadence: cadence, scheduledAt: scheduledAt, now: now) {
        case .run:
            break
        case .runThenResume(let resumeAt):
            decision.misfired = true
            decision.next = resumeAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        case .skip(let reason, let label, let resumeAt):
            return Decision(status: .missed, reason: reason, missedLabel: label,
                            next: resumeAt.map { Int64($0.timeIntervalSince1970.rounded(.down)) }, misfired: true)
        }
        if Schedule.isExcluded(seconds, by: exclusions) {
            decision.status = .skipped
            decision.reason = "excluded by policies.exclusions"
        }
        return decision
    }

    /// The parts of a definition a claim reads.
    struct Part: Decodable {
        let id: String
        let createdAt: Date
        let timing: ScheduleTiming
        let policies: Policies?
        enum CodingKeys: String, CodingKey {
            case id, timing, policies
            case createdAt = "created_at"
        }
    }
}
