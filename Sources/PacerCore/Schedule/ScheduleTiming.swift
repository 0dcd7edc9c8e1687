import Foundation
import Recurrence

/// When a schedule fires: the rule text as the user gave it, its zone, anchor, bounds and
/// jitter. ``cadence(defaultAnchor:jitterSeed:)`` turns it into a ``Recurrence/Cadence``.
public struct ScheduleTiming: Sendable, Hashable, Codable {
    /// The rule as given: a cron expression, a macro or a human rule (`every 15m`).
    public var rule: String
    /// IANA zone whose wall clock the rule follows; `UTC` by default.
    public var timezone: String
    /// Phase of interval and calendar rules; the schedule's creation when `nil`.
    public var anchor: Date?
    /// No fire before this instant.
    public var startsAt: Date?
    /// No fire after this instant.
    public var endsAt: Date?
    /// At most this many fires.
    public var maxFires: Int?
    /// Each fire is delayed by a deterministic offset in `[0, jitterSeconds)`.
    public var jitterSeconds: Double

    /// The largest jitter accepted, one day.
    public static let maxJitterSeconds: Double = 86_400

    enum CodingKeys: String, CodingKey {
        case rule, timezone, anchor
        case startsAt = "starts_at", endsAt = "ends_at", maxFires = "max_fires", jitterSeconds = "jitter"
    }

    /// - Parameters:
    ///   - rule: the rule text.
    ///   - timezone: an IANA zone name.
    ///   - anchor: phase of interval and calendar rules.
    ///   - startsAt: first instant a fire may have.
    ///   - endsAt: last instant a fire may have.
    ///   - maxFires: at most this many fires.
    ///   - jitterSeconds: maximum delay added to each fire.
    public init(
        rule: String, timezone: String = "UTC", anchor: Date? = nil, startsAt: Date? = nil, endsAt: Date? = nil,
        maxFires: Int? = nil, jitterSeconds: Double = 0
    ) {
        self.rule = rule
        self.timezone = timezone
        self.anchor = anchor
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.maxFires = maxFires
        self.jitterSeconds = jitterSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rule: try c.decode(String.self, forKey: .rule),
            timezone: try c.decodeIfPresent(String.self, forKey: .timezone) ?? "UTC",
            anchor: try c.decodeIfPresent(Date.self, forKey: .anchor),
            startsAt: try c.decodeIfPresent(Date.self, forKey: .startsAt),
            endsAt: try c.decodeIfPresent(Date.self, forKey: .endsAt),
            maxFires: try c.decodeIfPresent(Int.self, forKey: .maxFires),
            jitterSeconds: try c.decodeIfPresent(Double.self, forKey: .jitterSeconds) ?? 0)
    }

    /// The zone, or an error naming the unknown identifier.
    public func zone() throws(RecurrenceError) -> Zone {
        guard let zone = Zone.named(timezone) else {
            throw RecurrenceError(field: "timezone", "unknown time zone '\(timezone)'; use an IANA name such as Europe/Berlin")
        }
        return zone
    }

    /// The cadence the engine evaluates.
    /// - Parameters:
    ///   - defaultAnchor: the anchor when ``anchor`` is `nil` (the schedule's creation).
    ///   - jitterSeed: seed of the per-fire jitter (``Recurrence/Cadence/seed(for:)`` of the schedule id).
    /// - Throws: ``Recurrence/RecurrenceError`` naming the field (`timezone`, a rule field, `ends_at`, ...).
    public func cadence(defaultAnchor: Date, jitterSeed: UInt64 = 0) throws(RecurrenceError) -> Cadence {
        let zone = try zone()
        let rule = try Rule.parse(self.rule)
        return try Cadence(
            rule: rule, zone: zone, anchor: Self.seconds(anchor ?? defaultAnchor),
            startsAt: startsAt.map(Self.seconds), endsAt: endsAt.map(Self.seconds),
            maxFires: maxFires, jitter: jitterSeconds, jitterSeed: jitterSeed)
    }

    /// Whole seconds since 1970-01-01T00:00:00Z, rounded down.
    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    func validate(at path: String, into v: inout Validator) {
        if rule.count > Limits.ruleLength {
            v.fail(Validator.join(path, "rule"), "is \(rule.count) characters long; at most \(Limits.ruleLength) are allowed")
        } else {
            v.rule(rule, Validator.join(path, "rule"))
        }
        if timezone.count > 100 || Zone.named(timezone) == nil {
            v.fail(Validator.join(path, "timezone"), "unknown time zone '\(timezone.prefix(100))'; use an IANA name such as Europe/Berlin")
        }
        if let startsAt, let endsAt, endsAt < startsAt {
            v.fail(Validator.join(path, "ends_at"),
                   "\(PacerJSON.format(endsAt)) is before starts_at \(PacerJSON.format(startsAt))")
        }
        if let maxFires { v.count(maxFires, Validator.join(path, "max_fires"), 1...Limits.maxFires) }
        v.instant(anchor, Validator.join(path, "anchor"))
        v.instant(startsAt, Validator.join(path, "starts_at"))
        v.instant(endsAt, Validator.join(path, "ends_at"))
        if !(jitterSeconds.isFinite && jitterSeconds >= 0 && jitterSeconds <= Self.maxJitterSeconds) {
            v.fail(Validator.join(path, "jitter"), "\(jitterSeconds) must be between 0 and 86400 seconds")
        }
    }
}
