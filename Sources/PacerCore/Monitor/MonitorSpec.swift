/// What a monitor checks, how often, and what it says when it ends.
public struct MonitorSpec: Sendable, Hashable, Codable {
    /// What happens when the monitor ends.
    public enum Completion: String, WireEnum {
        /// Deliver the message. The default.
        case notify
        /// Append the message as a user turn to the originating session and resume it
        /// (falling back to `notify` when there is none).
        case resumeConversation = "resume_conversation"
        public static let wireName = "on_complete action"
    }

    /// The check.
    public var check: MonitorCheck
    /// Seconds between checks (default 30).
    public var intervalSeconds: Double
    /// Checks before giving up (default 120).
    public var maxAttempts: Int
    /// Message on success; `{result}` is replaced by the check's result.
    public var onSuccessMessage: String?
    /// Message when attempts run out.
    public var onFailureMessage: String?
    /// What happens at the end.
    public var onComplete: Completion

    enum CodingKeys: String, CodingKey {
        case check, intervalSeconds = "interval_seconds", maxAttempts = "max_attempts"
        case onSuccessMessage = "on_success_message", onFailureMessage = "on_failure_message", onComplete = "on_complete"
    }

    /// - Parameters:
    ///   - check: what to check.
    ///   - intervalSeconds: seconds between checks.
    ///   - maxAttempts: checks before giving up.
    ///   - onSuccessMessage: success message.
    ///   - onFailureMessage: failure message.
    ///   - onComplete: final action.
    public init(check: MonitorCheck, intervalSeconds: Double = 30, maxAttempts: Int = 120, onSuccessMessage: String? = nil,
                onFailureMessage: String? = nil, onComplete: Completion = .notify) {
        self.check = check
        self.intervalSeconds = intervalSeconds
        self.maxAttempts = maxAttempts
        self.onSuccessMessage = onSuccessMessage
        self.onFailureMessage = onFailureMessage
        self.onComplete = onComplete
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(check: try c.decode(MonitorCheck.self, forKey: .check),
                  intervalSeconds: try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? 30,
                  maxAttempts: try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? 120,
                  onSuccessMessage: try c.decodeIfPresent(String.self, forKey: .onSuccessMessage),
                  onFailureMessage: try c.decodeIfPresent(String.self, forKey: .onFailureMessage),
                  onComplete: try c.decodeIfPresent(Completion.self, forKey: .onComplete) ?? .notify)
    }

    func validate(at path: String, into v: inout Validator) {
        check.validate(at: Validator.join(path, "check"), into: &v)
        v.check(intervalSeconds.isFinite && intervalSeconds >= 1 && intervalSeconds <= 86_400, Validator.join(path, "interval_seconds"),
                "\(intervalSeconds) must be between 1 and 86400")
        v.check((1...100_000).contains(maxAttempts), Validator.join(path, "max_attempts"), "\(maxAttempts) must be between 1 and 100000")
        for (key, message) in [("on_success_message", onSuccessMessage), ("on_failure_message", onFailureMessage)] {
            if let message { v.text(message, Validator.join(path, key), max: 10_000) }
        }
    }
}

/// The check a monitor repeats.
public enum MonitorCheck: Sendable, Hashable, Codable {
    /// Request a URL; success is the expected status and, if given, the condition on the body.
    case pollURL(PollURL)
    /// Run a command; success is exit 0 and, if given, the condition on its output.
    case pollCommand(PollCommand)
    /// Call an MCP tool; success is `success_field` holding one of `success_values`.
    case pollTool(PollTool)
    /// Wait, then succeed.
    case delay(seconds: Double)

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case pollURL = "poll_url", pollCommand = "poll_command", pollTool = "poll_tool", delay
        public static let wireName = "monitor check kind"
    }

    /// The tag of this case.
    public var kind: Kind {
        switch self {
        case .pollURL: .pollURL
        case .pollCommand: .pollCommand
        case .pollTool: .pollTool
        case .delay: .delay
        }
    }

    private enum DelayKey: String, CodingKey { case seconds }

    public init(from decoder: any Decoder) throws {
        switch try decoder.kind(Kind.self) {
        case .pollURL: self = .pollURL(try PollURL(from: decoder))
        case .pollCommand: self = .pollCommand(try PollCommand(from: decoder))
        case .pollTool: self = .pollTool(try PollTool(from: decoder))
        case .delay: self = .delay(seconds: try decoder.container(keyedBy: DelayKey.self).decode(Double.self, forKey: .seconds))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .pollURL(let p): try encoder.encodeKind(kind, p)
        case .pollCommand(let p): try encoder.encodeKind(kind, p)
        case .pollTool(let p): try encoder.encodeKind(kind, p)
        case .delay(let seconds):
            try encoder.encodeKind(kind)
            var c = encoder.container(keyedBy: DelayKey.self)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    func validate(at path: String, into v: inout Validator) {
        let f = { (name: String) in Validator.join(path, name) }
        switch self {
        case .pollURL(let p):
            v.check(HTTPTarget.methods.contains(p.method), f("method"),
                    "'\(p.method)' is not a known HTTP method; use \(HTTPTarget.methods.joined(separator: ", "))")
            v.httpURL(p.url, f("url"))
            v.headers(p.headers, fromEnv: p.headersFromEnv, path)
            v.check((100...599).contains(p.expectedStatus), f("expected_status"), "\(p.expectedStatus) is not an HTTP status")
            p.condition?.validate(at: f("condition"), into: &v)
        case .pollCommand(let p):
            v.argv(p.argv, f("argv"))
            v.environment(p.env, f("env"))
            p.condition?.validate(at: f("condition"), into: &v)
        case .pollTool(let p):
            v.text(p.server, f("server"))
            v.text(p.tool, f("tool"))
            if JSONValue.segments(of: p.successField) == nil || p.successField.isEmpty {
                v.fail(f("success_field"), "'\(p.successField)' is not a dotted path such as status or job.state")
            }
            if p.successValues.isEmpty { v.fail(f("success_values"), "must list at least one value") }
            v.check(p.successValues.count <= 100, f("success_values"), "lists \(p.successValues.count) values; at most 100 are allowed")
        case .delay(let seconds):
            v.check(seconds.isFinite && seconds > 0 && seconds <= 30 * 86_400, f("seconds"), "\(seconds) must be more than 0 and at most 30 days")
        }
    }
}
