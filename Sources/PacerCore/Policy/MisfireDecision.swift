import Foundation
import Recurrence

/// What to do with a claimed fire, given how late it is.
public enum MisfireAction: Sendable, Hashable {
    /// On time (within the grace period): run it.
    case run
    /// Run it as a catch-up, then move the schedule's next fire to `resumeAt`.
    case runThenResume(at: Date?)
    /// Record it as missed with the reason (`label`: `late` or `catchup_limit`, for the
    /// metric), then move the next fire to `resumeAt`.
    case skip(reason: String, label: String, resumeAt: Date?)
}

/// The misfire policy as a pure function (DESIGN section 3). A claimed fire is a misfire when
/// it is found later than `misfire_grace` after its scheduled instant.
public enum MisfireDecision {
    /// Decides what happens to a claimed fire.
    /// - Parameters:
    ///   - policies: the schedule's policies (misfire, grace, catch-up limit).
    ///   - cadence: the schedule's cadence, to list the missed fires and the next future one.
    ///   - scheduledAt: the claimed fire's nominal instant.
    ///   - now: the engine's clock.
    public static func decide(_ policies: Policies, cadence: Cadence, scheduledAt: Date, now: Date) -> MisfireAction {
        let late = now.timeIntervalSince(scheduledAt)
        let oneShot = if case .once = cadence.rule { true } else { false }
        guard late > policies.misfireGrace(oneShot: oneShot) else { return .run }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let scheduled = Int64(scheduledAt.timeIntervalSince1970.rounded(.down))
        let future = cadence.next(after: nowSeconds).map { Date(timeIntervalSince1970: TimeInterval($0)) }
        let lateText = "missed by \(Self.duration(late))"
        switch policies.misfire(oneShot: oneShot) {
        case .skip:
            return .skip(reason: "\(lateText) (misfire policy skip)", label: "late", resumeAt: future)
        case .runOnce:
            return .runThenResume(at: future)
        case .runAll:
            // The missed fires are this one and those after it up to now; keep the latest
            // `catchup_limit`. Walk back from now: if the limit-th latest is after this fire,
            // this one is beyond the limit, and the schedule resumes at that fire (the claims
            // after it take the rest in order).
            var cursor = nowSeconds + 1
            for _ in 0..<policies.catchupLimit {
                guard let p = cadence.previous(before: cursor), p > scheduled else { return .run }
                cursor = p
            }
            let resume = Date(timeIntervalSince1970: TimeInterval(cursor))
            return .skip(reason: "\(lateText); beyond catchup_limit \(policies.catchupLimit) (misfire policy run_all)",
                         label: "catchup_limit", resumeAt: resume)
        }
    }

    /// `3h 5m`, `42s`, `1d 2h`.
    public static func duration(_ seconds: Double) -> String {
        var s = Int(seconds.rounded())
        let d = s / 86_400; s %= 86_400
        let h = s / 3600; s %= 3600
        let m = s / 60; s %= 60
        var parts: [String] = []
        if d > 0 { parts.append("\(d)d") }
        if h > 0 { parts.append("\(h)h") }
        if m > 0 && d == 0 { parts.append("\(m)m") }
        if s > 0 && d == 0 && h == 0 { parts.append("\(s)s") }
        return parts.isEmpty ? "0s" : parts.joined(separator: " ")
    }
}
