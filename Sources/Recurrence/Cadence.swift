import Foundation

/// When a schedule fires: a ``Rule`` in a ``Zone``, with an anchor, bounds and jitter.
///
/// All answers are pure functions of the value and the instant asked about.
public struct Cadence: Sendable, Hashable {
    /// The rule.
    public var rule: Rule
    /// The zone whose wall clock cron and calendar rules follow.
    public var zone: Zone
    /// Phase of interval and calendar rules (the schedule's creation by default), in seconds
    /// since 1970-01-01T00:00:00Z. Interval rules fire at `anchor + k * interval`.
    public var anchor: Int64
    /// No fire before this instant.
    public var startsAt: Int64?
    /// No fire after this instant.
    public var endsAt: Int64?
    /// At most this many fires, counted from `startsAt` (or the anchor).
    public var maxFires: Int?
    /// Each fire is delayed by a deterministic offset in `[0, jitter)` seconds.
    public var jitter: Double
    /// Seed of the jitter offsets (derive it from the schedule's id with ``seed(for:)``).
    public var jitterSeed: UInt64

    /// - Parameters:
    ///   - rule: the rule.
    ///   - zone: the zone; UTC by default.
    ///   - anchor: phase of interval and calendar rules.
    ///   - startsAt: first instant a fire may have.
    ///   - endsAt: last instant a fire may have.
    ///   - maxFires: at most this many fires.
    ///   - jitter: maximum delay in seconds added to each fire.
    ///   - jitterSeed: seed of the per-fire delays.
    public init(
        rule: Rule, zone: Zone = .utc, anchor: Int64 = 0, startsAt: Int64? = nil, endsAt: Int64? = nil,
        maxFires: Int? = nil, jitter: Double = 0, jitterSeed: UInt64 = 0
    ) throws(RecurrenceError) {
        if let startsAt, let endsAt, endsAt < startsAt {
            throw RecurrenceError(field: "ends_at", "\(Timestamp.format(endsAt, in: zone)) is before starts_at \(Timestamp.format(startsAt, in: zone))")
        }
        if let maxFires, maxFires < 1 { throw RecurrenceError(field: "max_fires", "\(maxFires) must be at least 1") }
        guard jitter.isFinite, jitter >= 0, jitter <= 86_400 else {
            throw RecurrenceError(field: "jitter", "\(jitter) must be between 0 and 86400 seconds")
        }
        self.rule = rule
        self.zone = zone
        self.anchor = anchor
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.maxFires = maxFires
        self.jitter = jitter
        self.jitterSeed = jitterSeed
    }

    /// The first scheduled instant strictly after `instant` within the bounds.
    /// - Parameters:
    ///   - instant: seconds since 1970-01-01T00:00:00Z.
    ///   - firedCount: fires already made, when the caller keeps count; otherwise they are
    ///     counted from `startsAt` (only needed with `maxFires`).
    public func next(after instant: Int64, firedCount: Int? = nil) -> Int64? {
        var from = instant
        if let startsAt, from < startsAt { from = startsAt - 1 }
        guard let fire = rule.next(after: from, in: zone, anchor: anchor) else { return nil }
        if let endsAt, fire > endsAt { return nil }
        if let maxFires {
            let done = firedCount ?? count(through: instant, limit: maxFires)
            if done >= maxFires { return nil }
        }
        return fire
    }

    /// The last scheduled instant strictly before `instant` within the bounds (`maxFires`
    /// is not applied).
    public func previous(before instant: Int64) -> Int64? {
        var to = instant
        if let endsAt, to > endsAt { to = endsAt + 1 }
        guard let fire = rule.previous(before: to, in: zone, anchor: anchor) else { return nil }
        if let startsAt, fire < startsAt { return nil }
        return fire
    }

    /// Fires from the first counted one up to `instant`, stopping at `limit`.
    func count(through instant: Int64, limit: Int) -> Int {
        var n = 0
        var cursor = (startsAt ?? anchor) - 1
        while n < limit, let fire = rule.next(after: cursor, in: zone, anchor: anchor), fire <= instant {
            if let endsAt, fire > endsAt { break }
            n += 1
            cursor = fire
        }
        return n
    }

    /// The delay added to the fire scheduled at `scheduledAt`, in `[0, jitter)` seconds,
    /// with millisecond resolution. The same fire always gets the same delay.
    public func jitterOffset(for scheduledAt: Int64) -> Double {
        guard jitter > 0 else { return 0 }
        var z = jitterSeed &+ UInt64(bitPattern: scheduledAt) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let millis = UInt64(jitter * 1000)
        return millis == 0 ? 0 : Double(z % millis) / 1000
    }

    /// A stable 64-bit seed for a text such as a schedule id (FNV-1a).
    public static func seed(for text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The next fire after `instant`, with its nominal and jittered times.
    public func fire(after instant: Int64, firedCount: Int? = nil) -> Fire? {
        guard let at = next(after: instant, firedCount: firedCount) else { return nil }
        return Fire(scheduledAt: at, firesAt: Double(at) + jitterOffset(for: at))
    }

    /// The fires after `instant`, lazily, in order.
    public func fires(after instant: Int64) -> FireSequence {
        FireSequence(cadence: self, start: instant)
    }

    /// ``next(after:firedCount:)`` on `Date`s.
    public func next(after date: Date) -> Date? {
        next(after: Int64(date.timeIntervalSince1970.rounded(.down))).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// ``previous(before:)`` on `Date`s.
    public func previous(before date: Date) -> Date? {
        previous(before: Int64(date.timeIntervalSince1970.rounded(.up))).map { Date(timeIntervalSince1970: Double($0)) }
    }
}

/// One fire of a cadence.
public struct Fire: Sendable, Hashable {
    /// The nominal instant from the rule (whole seconds since 1970-01-01T00:00:00Z).
    public let scheduledAt: Int64
    /// When it actually fires: `scheduledAt` plus the jitter offset, in seconds.
    public let firesAt: Double
}

/// The fires of a cadence after a start instant, computed one at a time.
public struct FireSequence: Sequence, IteratorProtocol, Sendable {
    let cadence: Cadence
    var cursor: Int64
    var fired: Int?

    init(cadence: Cadence, start: Int64) {
        self.cadence = cadence
        self.cursor = start
        self.fired = cadence.maxFires.map { cadence.count(through: start, limit: $0) }
    }

    public mutating func next() -> Fire? {
        guard let fire = cadence.fire(after: cursor, firedCount: fired) else { return nil }
        cursor = fire.scheduledAt
        fired = fired.map { $0 + 1 }
        return fire
    }
}

extension Zone: Hashable {
    public static func == (a: Zone, b: Zone) -> Bool { a.identifier == b.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }
}
