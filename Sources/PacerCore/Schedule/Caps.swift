/// Limits on what an agent session started by a schedule may use. Each is optional per
/// schedule; a missing one falls back to the server's default (``serverDefaults``).
public struct Caps: Sendable, Hashable, Codable {
    /// Most re-deferrals (`schedule_resume` / recurring wake-ups) of one session chain.
    public var maxResumes: Int?
    /// Longest life of a session chain, in hours.
    public var maxLifetimeHours: Double?
    /// Most input plus output tokens.
    public var maxTotalTokens: Int?
    /// Highest cost, in the currency of the agents' price tables.
    public var maxCost: Double?

    enum CodingKeys: String, CodingKey {
        case maxResumes = "max_resumes", maxLifetimeHours = "max_lifetime_hours"
        case maxTotalTokens = "max_total_tokens", maxCost = "max_cost"
    }

    /// The built-in server defaults: 50 resumes, 720 hours, 1,000,000 tokens, cost 5.00.
    public static let serverDefaults = Caps(maxResumes: 50, maxLifetimeHours: 720, maxTotalTokens: 1_000_000, maxCost: 5.00)

    /// - Parameters:
    ///   - maxResumes: most re-deferrals.
    ///   - maxLifetimeHours: longest life in hours.
    ///   - maxTotalTokens: most tokens.
    ///   - maxCost: highest cost.
    public init(maxResumes: Int? = nil, maxLifetimeHours: Double? = nil, maxTotalTokens: Int? = nil, maxCost: Double? = nil) {
        self.maxResumes = maxResumes
        self.maxLifetimeHours = maxLifetimeHours
        self.maxTotalTokens = maxTotalTokens
        self.maxCost = maxCost
    }

    /// The largest `max_resumes`.
    public static let maxResumesLimit = 1_000_000
    /// The largest `max_total_tokens`.
    public static let maxTokensLimit = 1_000_000_000_000
    /// The largest `max_cost`.
    public static let maxCostLimit: Double = 1_000_000

    /// Every field error of caps given as server defaults (`pacer serve --max-cost ...`).
    public func validate() -> [FieldError] {
        var v = Validator()
        validate(at: "", into: &v)
        return v.errors
    }

    /// These caps with every missing one taken from `defaults`.
    /// - Parameter defaults: the server's caps.
    public func resolved(over defaults: Caps = .serverDefaults) -> Caps {
        Caps(maxResumes: maxResumes ?? defaults.maxResumes, maxLifetimeHours: maxLifetimeHours ?? defaults.maxLifetimeHours,
             maxTotalTokens: maxTotalTokens ?? defaults.maxTotalTokens, maxCost: maxCost ?? defaults.maxCost)
    }

    func validate(at path: String, into v: inout Validator) {
        if let n = maxResumes { v.count(n, Validator.join(path, "max_resumes"), 1...Self.maxResumesLimit) }
        if let h = maxLifetimeHours {
            v.check(h.isFinite && h > 0 && h <= Limits.lifetimeHours, Validator.join(path, "max_lifetime_hours"),
                    "\(h) must be more than 0 and at most ten years (\(Int(Limits.lifetimeHours)) hours)")
        }
        if let n = maxTotalTokens { v.count(n, Validator.join(path, "max_total_tokens"), 1...Self.maxTokensLimit) }
        if let c = maxCost {
            v.check(c.isFinite && c > 0 && c <= Self.maxCostLimit, Validator.join(path, "max_cost"),
                    "\(c) must be more than 0 and at most \(Int(Self.maxCostLimit))")
        }
    }
}
