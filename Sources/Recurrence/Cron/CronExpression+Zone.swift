/// Cron in a time zone. Two rules, as Debian cron has them:
/// - fixed-time expressions (see ``CronExpression/isFixedTime``) are evaluated on the wall
///   clock, then each wall-clock match is read as an instant with ``Zone/resolveFirst(_:)``;
/// - all others fire at every real instant whose wall-clock time matches, so both copies of a
///   repeated hour fire and a skipped hour fires nothing.
extension CronExpression {
    /// How far the search looks ahead or back before deciding there is no fire.
    static let horizonYears = 401

    /// The first fire strictly after an instant.
    /// - Parameters:
    ///   - instant: seconds since 1970-01-01T00:00:00Z.
    ///   - zone: the zone whose wall clock the fields match.
    /// - Returns: the fire's instant, or `nil` when none lies within 400 years.
    public func next(after instant: Int64, in zone: Zone) -> Int64? {
        let limit = Civil.fields(instant).year + Self.horizonYears
        if isFixedTime && !zone.isFixed {
            var wall = zone.wall(instant)
            while let match = nextWall(atOrAfter: wall + 1, limitYear: limit) {
                let fire = zone.resolveFirst(match)
                if fire > instant { return fire }
                wall = match
            }
            return nil
        }
        var cursor = instant + 1
        var i = zone.period(containing: cursor)
        while true {
            let offset = zone.offsets[i]
            guard let match = nextWall(atOrAfter: cursor + offset, limitYear: limit) else { return nil }
            let end = zone.end(of: i)
            if match - offset < end { return match - offset }
            cursor = end
            i += 1
        }
    }

    /// The last fire strictly before an instant.
    /// - Parameters:
    ///   - instant: seconds since 1970-01-01T00:00:00Z.
    ///   - zone: the zone whose wall clock the fields match.
    /// - Returns: the fire's instant, or `nil` when none lies within 400 years.
    public func previous(before instant: Int64, in zone: Zone) -> Int64? {
        let limit = Civil.fields(instant).year - Self.horizonYears
        if isFixedTime && !zone.isFixed {
            // Wall-clock matches beyond `instant`'s own wall clock can still resolve before it
            // (a later period may have a larger offset), so start from the largest nearby one.
            let i = zone.period(containing: instant)
            var wall = instant + zone.maxNearbyOffset(i)
            while let match = previousWall(atOrBefore: wall, limitYear: limit) {
                let fire = zone.resolveFirst(match)
                if fire < instant { return fire }
                wall = match - 1
            }
            return nil
        }
        var cursor = instant - 1
        var i = zone.period(containing: cursor)
        while true {
            let offset = zone.offsets[i]
            guard let match = previousWall(atOrBefore: cursor + offset, limitYear: limit) else { return nil }
            let start = zone.starts[i]
            if match - offset >= start { return match - offset }
            cursor = start - 1
            i -= 1
        }
    }
}
