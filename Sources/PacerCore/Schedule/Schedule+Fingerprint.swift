import Foundation

extension Schedule {
    /// What makes two schedules the same work, hashed: the SHA-256 of the canonical JSON of
    /// their owner, timing and target. Stores keep it in an indexed column, so "an identical
    /// schedule returns the existing one" is a lookup, not a scan.
    public var fingerprint: String {
        Digests.sha256Hex(bytes: (try? PacerJSON.encode(FingerprintPart(owner: owner, timing: timing, target: target))) ?? Data())
    }

    /// Whether `other` is the same work: same owner, timing and target.
    public func isIdentical(to other: Schedule) -> Bool {
        owner == other.owner && timing == other.timing && target == other.target
    }

    private struct FingerprintPart: Encodable {
        let owner: String
        let timing: ScheduleTiming
        let target: Target
    }
}

extension AgentStore {
    /// A stored schedule identical to `schedule` (same owner, timing and target), found by
    /// its fingerprint, or `nil`: what every surface that creates schedules for a caller
    /// returns instead of a duplicate.
    public func identicalSchedule(to schedule: Schedule) async throws -> Schedule? {
        try await schedules(fingerprint: schedule.fingerprint).first { $0.isIdentical(to: schedule) && $0.id != schedule.id }
    }
}
