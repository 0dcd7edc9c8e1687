import Foundation
import PacerCore

/// A cap a session went over: which, how far, and the limit.
public struct CapBreach: Sendable, Hashable, CustomStringConvertible {
    /// `max_resumes`, `max_lifetime_hours`, `max_total_tokens` or `max_cost`.
    public var cap: String
    /// The value that breached it.
    public var observed: Double
    /// The limit.
    public var limit: Double

    /// - Parameters:
    ///   - cap: the cap's name.
    ///   - observed: the value seen.
    ///   - limit: the limit.
    public init(cap: String, observed: Double, limit: Double) {
        self.cap = cap
        self.observed = observed
        self.limit = limit
    }

    /// The `cap_exceeded` event's detail, also the tool's error members.
    public var detail: [String: JSONValue] {
        ["cap": .string(cap), "observed": .number(observed), "limit": .number(limit)]
    }

    public var description: String {
        "cap_exceeded: \(cap) \(CapBreach.format(observed)) over the limit \(CapBreach.format(limit))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.4f", value)
    }
}

/// The four caps of a session, as pure checks. Usage (tokens, cost, lifetime) is checked
/// after every model call; a deferral (resume, recurring wake-up) also checks the resume
/// count and that the session would still be within its lifetime when it wakes.
public enum CapCheck {
    /// The `resumed` events a session has: each is one wake-up it used.
    public static func resumesDone(_ session: Session) -> Int {
        session.events.reduce(0) { $0 + ($1.kind == .resumed ? 1 : 0) }
    }

    /// The first cap the session's usage breaches at `now`, or `nil`.
    /// - Parameters:
    ///   - session: the session with its totals.
    ///   - caps: resolved caps.
    ///   - now: the instant.
    public static func usage(_ session: Session, caps: Caps, now: Date) -> CapBreach? {
        if let limit = caps.maxTotalTokens, session.totalTokens > limit {
            return CapBreach(cap: "max_total_tokens", observed: Double(session.totalTokens), limit: Double(limit))
        }
        if let limit = caps.maxCost, session.cost > limit {
            return CapBreach(cap: "max_cost", observed: session.cost, limit: limit)
        }
        if let limit = caps.maxLifetimeHours {
            let hours = now.timeIntervalSince(session.createdAt) / 3600
            if hours > limit { return CapBreach(cap: "max_lifetime_hours", observed: hours, limit: limit) }
        }
        return nil
    }

    /// The first cap a deferral to `wakeAt` would breach, or `nil`: one more resume than
    /// `max_resumes`, a wake-up past the lifetime, or usage already over a cap.
    /// - Parameters:
    ///   - session: the session.
    ///   - caps: resolved caps.
    ///   - now: the instant of the deferral.
    ///   - wakeAt: when it would wake.
    public static func deferral(_ session: Session, caps: Caps, now: Date, wakeAt: Date) -> CapBreach? {
        if let limit = caps.maxResumes {
            let done = resumesDone(session)
            if done >= limit { return CapBreach(cap: "max_resumes", observed: Double(done + 1), limit: Double(limit)) }
        }
        if let breach = usage(session, caps: caps, now: now) { return breach }
        if let limit = caps.maxLifetimeHours {
            let hours = wakeAt.timeIntervalSince(session.createdAt) / 3600
            if hours > limit { return CapBreach(cap: "max_lifetime_hours", observed: hours, limit: limit) }
        }
        return nil
    }
}

extension SessionEvent.Kind {
    /// A waiting session woke up (detail: `resume`, the wake-up's number).
    public static let resumed: SessionEvent.Kind = "resumed"
    /// A model call failed (detail: `kind`, `status`, `message`).
    public static let modelError: SessionEvent.Kind = "model_error"
    /// The run used every turn of `max_turns` (detail: `max_turns`).
    public static let maxTurnsReached: SessionEvent.Kind = "max_turns_reached"
    /// The session was cancelled (detail: `reason`).
    public static let cancelled: SessionEvent.Kind = "cancelled"
    /// A recurring session ended its recurrence (detail: `runs_done`).
    public static let recurrenceFinished: SessionEvent.Kind = "recurrence_finished"
}
