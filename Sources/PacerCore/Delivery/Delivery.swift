/// Where a run's result goes. Secrets are named by environment variable, never stored.
/// On the wire a tagged object: `{"kind": "slack", "webhook_url_env": "SLACK_HOOK"}`.
public enum Delivery: Sendable, Hashable, Codable {
    /// Nowhere (the default).
    case none
    /// The server's standard output.
    case stdout
    /// Appended to a file.
    case log(LogDelivery)
    /// POSTed as JSON to a URL.
    case webhook(WebhookDelivery)
    /// A Slack incoming webhook.
    case slack(SlackDelivery)
    /// A Telegram chat through the Bot API.
    case telegram(TelegramDelivery)
    /// An email over SMTP.
    case email(EmailDelivery)

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case none, stdout, log, webhook, slack, telegram, email
        public static let wireName = "delivery kind"
    }

    /// The tag of this case.
    public var kind: Kind {
        switch self {
        case .none: .none
        case .stdout: .stdout
        case .log: .log
        case .webhook: .webhook
        case .slack: .slack
        case .telegram: .telegram
        case .email: .email
        }
    }

    public init(from decoder: any Decoder) throws {
        switch try decoder.kind(Kind.self) {
        case .none: self = .none
        case .stdout: self = .stdout
        case .log: self = .log(try LogDelivery(from: decoder))
        case .webhook: self = .webhook(try WebhookDelivery(from: decoder))
        case .slack: self = .slack(try SlackDelivery(from: decoder))
        case .telegram: self = .telegram(try TelegramDelivery(from: decoder))
        case .email: self = .email(try EmailDelivery(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .none, .stdout: try encoder.encodeKind(kind)
        case .log(let d): try encoder.encodeKind(kind, d)
        case .webhook(let d): try encoder.encodeKind(kind, d)
        case .slack(let d): try encoder.encodeKind(kind, d)
        case .telegram(let d): try encoder.encodeKind(kind, d)
        case .email(let d): try encoder.encodeKind(kind, d)
        }
    }

    func validate(at path: String, into v: inout Validator) {
        let f = { (name: String) in Validator.join(path, name) }
        switch self {
        case .none, .stdout: break
        case .log(let d):
            v.check(d.path.hasPrefix("/") && d.path.utf8.count <= 4096 && !d.path.utf8.contains(0), f("path"),
                    "'\(d.path.prefix(200))' is not an absolute path")
        case .webhook(let d):
            v.httpURL(d.url, f("url"))
            v.headers(d.headers, fromEnv: d.headersFromEnv, path)
        case .slack(let d):
            switch (d.webhookURL, d.webhookURLEnv) {
            case (let url?, nil): v.httpURL(url, f("webhook_url"))
            case (nil, let env?): v.envName(env, f("webhook_url_env"))
            default: v.fail(f("webhook_url"), "give exactly one of webhook_url and webhook_url_env")
            }
        case .telegram(let d):
            v.envName(d.botTokenEnv, f("bot_token_env"))
            v.text(d.chatID, f("chat_id"))
            v.httpURL(d.baseURL, f("base_url"))
        case .email(let d):
            v.text(d.smtpHost, f("smtp_host"), max: 253)
            v.check((1...65_535).contains(d.smtpPort), f("smtp_port"), "\(d.smtpPort) must be between 1 and 65535")
            if let env = d.passwordEnv { v.envName(env, f("password_env")) }
            if let username = d.username { v.text(username, f("username")) }
            if let subject = d.subject { v.text(subject, f("subject"), max: 1000); v.template(subject, f("subject")) }
            v.check(d.to.count <= 100, f("to"), "lists \(d.to.count) addresses; at most 100 are allowed")
            v.check(Self.isAddress(d.from), f("from"), "'\(d.from)' is not an email address")
            if d.to.isEmpty { v.fail(f("to"), "must list at least one address") }
            for (i, a) in d.to.enumerated() where !Self.isAddress(a) {
                v.fail(f("to[\(i)]"), "'\(a)' is not an email address")
            }
        }
    }

    static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(where: \.isWhitespace)
            && s.utf8.count <= 320 && !s.unicodeScalars.contains(where: Validator.isInvisible)
    }
}
