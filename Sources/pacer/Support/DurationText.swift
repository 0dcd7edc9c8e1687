import Foundation

import PacerCore

/// Durations for people (parsing is ``PacerCore/DurationText``'s, shared with every surface).
extension DurationText {
    /// A duration for people: `850ms`, `12.3s`, `4m 5s`, `15m`, `2h 10m`, `3d 4h`.
    static func human(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e12 else { return seconds.isNaN ? "?" : "forever" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return s % 3600 / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \(s % 3600 / 60)m" }
        return s % 86_400 / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d \(s % 86_400 / 3600)h"
    }

    /// A distance in time from now: `in 3m`, `in 2h 5m`, `5m ago`, `now`.
    static func relative(_ seconds: Int64) -> String {
        let a = seconds == .min ? .max : abs(seconds)
        let text: String
        switch a {
        case 0: return "now"
        case ..<60: text = "\(a)s"
        case ..<3600: text = "\(a / 60)m"
        case ..<86_400: text = a % 3600 / 60 == 0 ? "\(a / 3600)h" : "\(a / 3600)h \(a % 3600 / 60)m"
        default: text = a % 86_400 / 3600 == 0 ? "\(a / 86_400)d" : "\(a / 86_400)d \(a % 86_400 / 3600)h"
        }
        return seconds > 0 ? "in " + text : text + " ago"
    }
}
