/// A rule as a user wrote it, evaluated: its description and its next fires. Shared by
/// `pacer next` and the rule-preview surfaces.
public struct RulePreview: Sendable, Hashable, Codable {
    /// The rule text as given.
    public let rule: String
    /// The IANA zone.
    public let timezone: String
    /// English description.
    public let description: String
    /// The next fires, RFC 3339 with the zone's offset.
    public let fires: [String]
    /// The same fires as instants (seconds since 1970-01-01T00:00:00Z); not encoded.
    public let instants: [Int64]

    enum CodingKeys: String, CodingKey { case rule, timezone, description, fires }

    /// The most fires a preview lists.
    public static let maxCount = 10_000

    /// Evaluates a rule.
    /// - Parameters:
    ///   - rule: a cron expression, macro or human rule (`every 15m`).
    ///   - timezone: an IANA zone name; UTC when `nil`.
    ///   - from: fires strictly after this instant; it is also the anchor of interval and
    ///     calendar rules.
    ///   - count: how many fires, 1...10000.
    /// - Throws: ``RecurrenceError`` naming the field (`rule`'s own fields, `timezone`, `count`).
    public init(rule: String, timezone: String?, from: Int64, count: Int) throws(RecurrenceError) {
        let zoneName = timezone ?? "UTC"
        guard let zone = Zone.named(zoneName) else {
            throw RecurrenceError(field: "timezone", "unknown time zone '\(zoneName)'; use an IANA name such as Europe/Berlin")
        }
        guard (1...Self.maxCount).contains(count) else {
            throw RecurrenceError(field: "count", "\(count) must be between 1 and \(Self.maxCount)")
        }
        let parsed = try Rule.parse(rule)
        let cadence = try Cadence(rule: parsed, zone: zone, anchor: from)
        var instants: [Int64] = []
        for fire in cadence.fires(after: from) {
            instants.append(fire.scheduledAt)
            if instants.count == count { break }
        }
        self.rule = rule
        self.timezone = zone.identifier
        self.description = cadence.describe()
        self.instants = instants
        self.fires = instants.map { Timestamp.format($0, in: zone) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rule = try c.decode(String.self, forKey: .rule)
        timezone = try c.decode(String.self, forKey: .timezone)
        description = try c.decode(String.self, forKey: .description)
        fires = try c.decode([String].self, forKey: .fires)
        instants = fires.compactMap(Timestamp.parse)
    }
}
