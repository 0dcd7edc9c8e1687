import Foundation
import Synchronization

/// An IANA time zone compiled into a table of UTC-offset periods, for fast conversions
/// between real instants and wall-clock times.
///
/// Periods are built once per zone from Foundation's zone data (every offset change from
/// 1900 to 2500) and shared. Instants are whole seconds since 1970-01-01T00:00:00Z;
/// wall-clock times are seconds since 1970-01-01T00:00 on the zone's clock.
public final class Zone: Sendable, CustomStringConvertible {
    /// The IANA identifier, e.g. `Europe/Berlin`.
    public let identifier: String
    /// The Foundation zone, for formatting.
    public let timeZone: TimeZone
    /// `starts[i]` is the first instant of period `i`; `starts[0]` is `Int64.min`.
    let starts: [Int64]
    /// UTC offset in seconds of each period.
    let offsets: [Int64]
    /// First wall-clock time after period `i` (its end on its own clock).
    let wallEnds: [Int64]
    /// True when the zone never changes its offset in the table's range.
    let isFixed: Bool

    public var description: String { identifier }

    private static let cache = Mutex<[String: Zone]>([:])

    /// UTC.
    public static let utc = Zone(identifier: "UTC", timeZone: TimeZone(identifier: "UTC")!)

    /// The zone for an IANA identifier, or `nil` when the identifier is unknown.
    /// - Parameter identifier: an IANA name such as `America/New_York`, or `UTC`.
    public static func named(_ identifier: String) -> Zone? {
        if identifier == "UTC" || identifier == "Etc/UTC" { return utc }
        if let z = cache.withLock({ $0[identifier] }) { return z }
        guard !identifier.isEmpty, let tz = TimeZone(identifier: identifier) else { return nil }
        let zone = Zone(identifier: identifier, timeZone: tz)
        return cache.withLock { c in
            if let existing = c[identifier] { return existing }
            c[identifier] = zone
            return zone
        }
    }

    private init(identifier: String, timeZone: TimeZone) {
        self.identifier = identifier
        self.timeZone = timeZone
        let first = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        let last = Date(timeIntervalSince1970: 16_725_225_600)  // 2500-01-01
        var starts: [Int64] = [Int64.min]
        var offsets: [Int64] = [Int64(timeZone.secondsFromGMT(for: first))]
        var cursor = first
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < last {
            let offset = Int64(timeZone.secondsFromGMT(for: next))
            if offset != offsets[offsets.count - 1] {
                starts.append(Int64(next.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
            cursor = next
        }
        self.starts = starts
        self.offsets = offsets
        var ends: [Int64] = []
        ends.reserveCapacity(starts.count)
        for i in 0..<starts.count {
            ends.append(i + 1 < starts.count ? starts[i + 1] + offsets[i] : Int64.max)
        }
        self.wallEnds = ends
        self.isFixed = starts.count == 1
    }

    /// Index of the period that contains the instant.
    @inline(__always)
    func period(containing instant: Int64) -> Int {
        if isFixed { return 0 }
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if starts[mid] <= instant { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// UTC offset in seconds at an instant.
    @inline(__always)
    public func offset(at instant: Int64) -> Int64 {
        offsets[period(containing: instant)]
    }

    /// Wall-clock time of an instant.
    @inline(__always)
    func wall(_ instant: Int64) -> Int64 {
        instant + offset(at: instant)
    }

    /// First instant of the period after `i`, or `Int64.max`.
    @inline(__always)
    func end(of i: Int) -> Int64 {
        i + 1 < starts.count ? starts[i + 1] : Int64.max
    }

    /// The instant a wall-clock time names, read as cron reads fixed times: a repeated time
    /// resolves to its first occurrence; a time skipped by a forward jump resolves to the first
    /// whole minute of wall-clock time after the jump (the instant the jump happens, for jumps
    /// on minute boundaries).
    @inline(__always)
    func resolveFirst(_ wall: Int64) -> Int64 {
        if isFixed { return wall - offsets[0] }
        // Smallest period whose wall-clock end lies after `wall`.
        var lo = 0
        var hi = wallEnds.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if wallEnds[mid] > wall { hi = mid } else { lo = mid + 1 }
        }
        let start = lo == 0 ? Int64.min : starts[lo] + offsets[lo]
        if wall >= start { return wall - offsets[lo] }
        // In a gap: step by whole minutes until the wall-clock time exists.
        let missing = start - wall
        let shifted = wall + (missing + 59) / 60 * 60
        return shifted - offsets[lo]
    }

    /// The largest offset among period `i` and its neighbours: a wall-clock time up to
    /// `instant + maxNearbyOffset` can still name an instant before `instant` (the first copy
    /// of a repeated hour, while `instant` is in the second).
    @inline(__always)
    func maxNearbyOffset(_ i: Int) -> Int64 {
        var m = offsets[i]
        if i > 0 { m = max(m, offsets[i - 1]) }
        if i + 1 < offsets.count { m = max(m, offsets[i + 1]) }
        return m
    }
}
