/// Appends results to a file.
public struct LogDelivery: Sendable, Hashable, Codable {
    /// Absolute path of the file.
    public var path: String
    enum CodingKeys: String, CodingKey { case path }
    /// - Parameter path: absolute path of the file.
    public init(path: String) { self.path = path }
}

/// POSTs results as JSON to an endpoint.
public typealias WebhookDelivery = HTTPEndpoint

/// An HTTP endpoint: an absolute http(s) URL with plain headers and secret headers whose
/// values come from environment variables (never stored).
public struct HTTPEndpoint: Sendable, Hashable, Codable {
    /// The absolute http(s) URL.
    public var url: String
    /// Plain headers.
    public var headers: [String: String]
    /// Secret headers: header name to the NAME of the environment variable holding its value.
    public var headersFromEnv: [String: String]

    enum CodingKeys: String, CodingKey { case url, headers, headersFromEnv = "headers_from_env" }

    /// - Parameters:
    ///   - url: the URL.
    ///   - headers: plain headers.
    ///   - headersFromEnv: secret headers by environment variable name.
    public init(url: String, headers: [String: String] = [:], headersFromEnv: [String: String] = [:]) {
        self.url = url
        self.headers = headers
        self.headersFromEnv = headersFromEnv
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(url: try c.decode(String.self, forKey: .url),
                  headers: try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
                  headersFromEnv: try c.decodeIfPresent([String: String].self, forKey: .headersFromEnv) ?? [:])
    }
}

/// Posts to a Slack incoming webhook. The webhook URL is itself a credential, so it may be
/// given as the NAME of an environment variable instead (exactly one of the two).
public struct SlackDelivery: Sendable, Hashable, Codable {
    /// The webhook URL.
    public var webhookURL: String?
    /// Name of the environment variable holding the webhook URL.
    public var webhookURLEnv: String?

    enum CodingKeys: String, CodingKey { case webhookURL = "webhook_url", webhookURLEnv = "webhook_url_env" }

    /// - Parameters:
    ///   - webhookURL: the webhook URL.
    ///   - webhookURLEnv: name of the variable holding it.
    public init(webhookURL: String? = nil, webhookURLEnv: String? = nil) {
        self.webhookURL = webhookURL
        self.webhookURLEnv = webhookURLEnv
    }
}

/// Sends a Telegram message through the Bot API.
public struct TelegramDelivery: Sendable, Hashable, Codable {
    /// Name of the environment variable holding the bot token.
    public var botTokenEnv: String
    /// The chat id (or `@channel`).
    public var chatID: String
    /// The Bot API's base URL (`https://api.telegram.org` by default).
    public var baseURL: String

    enum CodingKeys: String, CodingKey { case botTokenEnv = "bot_token_env", chatID = "chat_id", baseURL = "base_url" }

    /// - Parameters:
    ///   - botTokenEnv: variable holding the bot token.
    ///   - chatID: the chat.
    ///   - baseURL: the Bot API's base URL.
    public init(botTokenEnv: String, chatID: String, baseURL: String = "https://api.telegram.org") {
        self.botTokenEnv = botTokenEnv
        self.chatID = chatID
        self.baseURL = baseURL
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(botTokenEnv: try c.decode(String.self, forKey: .botTokenEnv),
                  chatID: try c.decode(String.self, forKey: .chatID),
                  baseURL: try c.decodeIfPresent(String.self, forKey: .baseURL) ?? "https://api.telegram.org")
    }
}

/// Sends an email over SMTP.
public struct EmailDelivery: Sendable, Hashable, Codable {
    /// How the SMTP connection is secured.
    public enum Security: String, WireEnum {
        /// Upgrade with STARTTLS (the default, port 587).
        case starttls
        /// TLS from the start (port 465).
        case tls
        /// Plain text (local relays only).
        case none
        public static let wireName = "smtp security"
    }

    /// SMTP server host.
    public var smtpHost: String
    /// SMTP server port (587 by default).
    public var smtpPort: Int
    /// Connection security.
    public var security: Security
    /// Login user, if the server needs one.
    public var username: String?
    /// Name of the environment variable holding the password.
    public var passwordEnv: String?
    /// Sender address.
    public var from: String
    /// Recipient addresses.
    public var to: [String]
    /// Subject, a Mustache template.
    public var subject: String?

    enum CodingKeys: String, CodingKey {
        case security, username, from, to, subject
        case smtpHost = "smtp_host", smtpPort = "smtp_port", passwordEnv = "password_env"
    }

    /// - Parameters:
    ///   - smtpHost: server host.
    ///   - smtpPort: server port.
    ///   - security: connection security.
    ///   - username: login user.
    ///   - passwordEnv: variable holding the password.
    ///   - from: sender.
    ///   - to: recipients.
    ///   - subject: subject template.
    public init(smtpHost: String, smtpPort: Int = 587, security: Security = .starttls, username: String? = nil,
                passwordEnv: String? = nil, from: String, to: [String], subject: String? = nil) {
        self.smtpHost = smtpHost
        self.smtpPort = smtpPort
        self.security = security
        self.username = username
        self.passwordEnv = passwordEnv
        self.from = from
        self.to = to
        self.subject = subject
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(smtpHost: try c.decode(String.self, forKey: .smtpHost),
                  smtpPort: try c.decodeIfPresent(Int.self, forKey: .smtpPort) ?? 587,
                  security: try c.decodeIfPresent(Security.self, forKey: .security) ?? .starttls,
                  username: try c.decodeIfPresent(String.self, forKey: .username),
                  passwordEnv: try c.decodeIfPresent(String.self, forKey: .passwordEnv),
                  from: try c.decode(String.self, forKey: .from),
                  to: try c.decode([String].self, forKey: .to),
                  subject: try c.decodeIfPresent(String.self, forKey: .subject))
    }
}
