/// What to do when a fire comes while the schedule's previous run is still running.
public enum OverlapPolicy: String, WireEnum {
    /// Drop the new fire (recorded as `skipped`). The default.
    case skip
    /// Keep one fire waiting; later ones are skipped.
    case bufferOne = "buffer_one"
    /// Run concurrently.
    case allow
    /// Cancel the running run, then start the new one.
    case cancelPrevious = "cancel_previous"
    public static let wireName = "overlap policy"
}

/// What to do with fires found late by more than the grace period (downtime, sleep).
public enum MisfirePolicy: String, WireEnum {
    /// Go on with the next future fire. The default.
    case skip
    /// Make one catch-up run.
    case runOnce = "run_once"
    /// Run each missed fire, at most `catchup_limit`.
    case runAll = "run_all"
    public static let wireName = "misfire policy"
}

/// How failed runs are retried: exponential backoff with jitter.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts in all, the first included; 1 (the default) means no retry.
    public var maxAttempts: Int
    /// Delay before the second attempt.
    public var backoffBaseSeconds: Double
    /// Each further delay is this many times the previous one.
    public var backoffFactor: Double
    /// No delay exceeds this.
    public var backoffCapSeconds: Double
    /// Share of each delay that is random, in `[0, 1]`: a delay `d` becomes one in `[d * (1 - jitter), d]`.
    public var jitterFraction: Double

    enum CodingKeys: String, CodingKey {
        case maxAttempts = "max_attempts", backoffBaseSeconds = "backoff_base_seconds", backoffFactor = "backoff_factor"
        case backoffCapSeconds = "backoff_cap_seconds", jitterFraction = "jitter_fraction"
    }

    /// - Parameters:
    ///   - maxAttempts: attempts in all (1 = no retry).
    ///   - backoffBaseSeconds: first delay.
    ///   - backoffFactor: growth of each delay.
    ///   - backoffCapSeconds: largest delay.
    ///   - jitterFraction: random share of each delay.
    public init(
        maxAttempts: Int = 1, backoffBaseSeconds: Double = 30, backoffFactor: Double = 2,
        backoffCapSeconds: Double = 3600, jitterFraction: Double = 0.2
    ) {
        self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffFactor = backoffFactor
        self.backoffCapSeconds = backoffCapSeconds
        self.jitterFraction = jitterFraction
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RetryPolicy()
        self.init(
            maxAttempts: try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts,
            backoffBaseSeconds: try c.decodeIfPresent(Double.self, forKey: .backoffBaseSeconds) ?? d.backoffBaseSeconds,
            backoffFactor: try c.decodeIfPresent(Double.self, forKey: .backoffFactor) ?? d.backoffFactor,
            backoffCapSeconds: try c.decodeIfPresent(Double.self, forKey: .backoffCapSeconds) ?? d.backoffCapSeconds,
            jitterFraction: try c.decodeIfPresent(Double.self, forKey: .jitterFraction) ?? d.jitterFraction)
    }

    /// The wait before an attempt, or `nil` when no attempt `attempt` is allowed.
    /// - Parameters:
    ///   - attempt: the attempt about to be made (2 for the first retry).
    ///   - unit: a random number in `[0, 1)`; pass a seeded one in tests.
    public func delay(beforeAttempt attempt: Int, unit: Double) -> Double? {
        guard attempt >= 2, attempt <= maxAttempts else { return nil }
        var d = backoffBaseSeconds
        for _ in 2..<attempt where d < backoffCapSeconds { d *= backoffFactor }
        d = min(d, backoffCapSeconds)
        return d * (1 - jitterFraction * min(max(unit, 0), 1))
    }

    func validate(at path: String, into v: inout Validator) {
        v.check((1...100).contains(maxAttempts), Validator.join(path, "max_attempts"), "\(maxAttempts) must be between 1 and 100")
        v.check(backoffBaseSeconds.isFinite && backoffBaseSeconds > 0 && backoffBaseSeconds <= Limits.longWaitSeconds,
                Validator.join(path, "backoff_base_seconds"), "\(backoffBaseSeconds) must be more than 0 and at most 30 days (2592000)")
        v.check(backoffFactor.isFinite && backoffFactor >= 1 && backoffFactor <= 100, Validator.join(path, "backoff_factor"),
                "\(backoffFactor) must be between 1 and 100")
        if !(backoffCapSeconds.isFinite && backoffCapSeconds <= Limits.longWaitSeconds) {
            v.fail(Validator.join(path, "backoff_cap_seconds"), "\(backoffCapSeconds) must be at most 30 days (2592000)")
        } else {
            v.check(backoffCapSeconds >= backoffBaseSeconds, Validator.join(path, "backoff_cap_seconds"),
                    "\(backoffCapSeconds) must be at least backoff_base_seconds (\(backoffBaseSeconds))")
        }
        v.check(jitterFraction.isFinite && jitterFraction >= 0 && jitterFraction <= 1, Validator.join(path, "jitter_fraction"),
                "\(jitterFraction) must be between 0 and 1")
    }
}

/// How a schedule's fires are run: overlap, misfire, retry, timeout and history policies.
public struct Policies: Sendable, Hashable, Codable {
    /// When the previous run is still running.
    public var overlap: OverlapPolicy
    /// When fires were missed; by the rule's kind when `nil` (``misfire(oneShot:)``).
    public var misfire: MisfirePolicy?
    /// A fire found later than this is a misfire; by the rule's kind when `nil`
    /// (``misfireGrace(oneShot:)``).
    public var misfireGraceSeconds: Double?

    /// The misfire policy in force: the one given, else `run_once` for a one-shot rule (a
    /// reminder due while the server was down still arrives) and `skip` for a recurring one.
    /// - Parameter oneShot: whether the schedule's rule fires once.
    public func misfire(oneShot: Bool) -> MisfirePolicy { misfire ?? (oneShot ? .runOnce : .skip) }

    /// The misfire grace in force: the one given, else 24 h for a one-shot rule and 60 s for a
    /// recurring one.
    /// - Parameter oneShot: whether the schedule's rule fires once.
    public func misfireGrace(oneShot: Bool) -> Double { misfireGraceSeconds ?? (oneShot ? 86_400 : 60) }
    /// With `run_all`, at most this many catch-up runs (default 100).
    public var catchupLimit: Int
    /// Retries of failed runs.
    public var retry: RetryPolicy
    /// A run still going after this is stopped as `timed_out` (default 900 s).
    public var timeoutSeconds: Double
    /// Pause the schedule after this many consecutive failed runs; never when `nil`.
    public var pauseAfterFailures: Int?
    /// Keep at most this many finished runs of the schedule; unlimited when `nil`.
    public var keepLast: Int?
    /// Rules (in the schedule's zone) whose matching instants are skipped.
    public var exclusions: [String]

    enum CodingKeys: String, CodingKey {
        case overlap, misfire, retry, exclusions
        case misfireGraceSeconds = "misfire_grace", catchupLimit = "catchup_limit", timeoutSeconds = "timeout_seconds"
        case pauseAfterFailures = "pause_after_failures", keepLast = "keep_last"
    }

    /// - Parameters:
    ///   - overlap: overlap policy.
    ///   - misfire: misfire policy (`nil`: by the rule's kind).
    ///   - misfireGraceSeconds: lateness that counts as a misfire (`nil`: by the rule's kind).
    ///   - catchupLimit: most catch-up runs with `run_all`.
    ///   - retry: retry policy.
    ///   - timeoutSeconds: per-run timeout.
    ///   - pauseAfterFailures: consecutive failures that pause the schedule.
    ///   - keepLast: finished runs kept.
    ///   - exclusions: rules whose instants are skipped.
    public init(
        overlap: OverlapPolicy = .skip, misfire: MisfirePolicy? = nil, misfireGraceSeconds: Double? = nil,
        catchupLimit: Int = 100, retry: RetryPolicy = RetryPolicy(), timeoutSeconds: Double = 900,
        pauseAfterFailures: Int? = nil, keepLast: Int? = nil, exclusions: [String] = []
    ) {
        self.overlap = overlap
        self.misfire = misfire
        self.misfireGraceSeconds = misfireGraceSeconds
        self.catchupLimit = catchupLimit
        self.retry = retry
        self.timeoutSeconds = timeoutSeconds
        self.pauseAfterFailures = pauseAfterFailures
        self.keepLast = keepLast
        self.exclusions = exclusions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policies()
        self.init(
            overlap: try c.decodeIfPresent(OverlapPolicy.self, forKey: .overlap) ?? d.overlap,
            misfire: try c.decodeIfPresent(MisfirePolicy.self, forKey: .misfire),
            misfireGraceSeconds: try c.decodeIfPresent(Double.self, forKey: .misfireGraceSeconds),
            catchupLimit: try c.decodeIfPresent(Int.self, forKey: .catchupLimit) ?? d.catchupLimit,
            retry: try c.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? d.retry,
            timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? d.timeoutSeconds,
            pauseAfterFailures: try c.decodeIfPresent(Int.self, forKey: .pauseAfterFailures),
            keepLast: try c.decodeIfPresent(Int.self, forKey: .keepLast),
            exclusions: try c.decodeIfPresent([String].self, forKey: .exclusions) ?? [])
    }

    func validate(at path: String, into v: inout Validator) {
        if let misfireGraceSeconds {
            v.number(misfireGraceSeconds, Validator.join(path, "misfire_grace"), 0...Limits.misfireGraceSeconds,
                     "between 0 and one year (31622400 seconds)")
        }
        v.check((1...10_000).contains(catchupLimit), Validator.join(path, "catchup_limit"), "\(catchupLimit) must be between 1 and 10000")
        retry.validate(at: Validator.join(path, "retry"), into: &v)
        v.check(timeoutSeconds.isFinite && timeoutSeconds > 0 && timeoutSeconds <= 30 * 86_400,
                Validator.join(path, "timeout_seconds"), "\(timeoutSeconds) must be more than 0 and at most 30 days")
        if let n = pauseAfterFailures { v.count(n, Validator.join(path, "pause_after_failures"), 1...10_000) }
        if let n = keepLast { v.count(n, Validator.join(path, "keep_last"), 1...Limits.keepLast) }
        if exclusions.count > Limits.exclusions {
            v.fail(Validator.join(path, "exclusions"), "has \(exclusions.count) rules; at most \(Limits.exclusions) are allowed")
            return
        }
        for (i, rule) in exclusions.enumerated() {
            if rule.count > Limits.ruleLength {
                v.fail(Validator.join(path, "exclusions[\(i)]"), "is \(rule.count) characters long; at most \(Limits.ruleLength) are allowed")
            } else {
                v.rule(rule, Validator.join(path, "exclusions[\(i)]"))
            }
        }
    }
}
