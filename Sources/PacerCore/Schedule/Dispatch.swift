/// How many runs a fire makes: one (`single`) or one per item of an item source (`per_item`).
public struct Dispatch: Sendable, Hashable, Codable {
    /// The two modes.
    public enum Mode: String, WireEnum {
        /// One run per fire; the template sees all `items`.
        case single
        /// One run per item.
        case perItem = "per_item"
        public static let wireName = "dispatch mode"
    }

    /// The mode; `single` by default.
    public var mode: Mode
    /// Where the items come from; required for `per_item`, optional for `single`.
    public var source: ItemSource?
    /// Dotted path of each item's key (`id`, `user.login`); the item's index when `nil`.
    public var itemKey: String?
    /// Most items taken per fire (default 100).
    public var maxItemsPerFire: Int
    /// Told when a per-item run starts (webhook, chat), with a back-link to its run or
    /// session, so every run an item spawned is visible from where the item lives.
    public var notify: Delivery?

    enum CodingKeys: String, CodingKey {
        case mode, source, notify
        case itemKey = "item_key", maxItemsPerFire = "max_items_per_fire"
    }

    /// One run per fire, no items.
    public static let single = Dispatch()

    /// - Parameters:
    ///   - mode: single or per item.
    ///   - source: the item source.
    ///   - itemKey: dotted path of the item key.
    ///   - maxItemsPerFire: most items per fire.
    ///   - notify: told when a per-item run starts.
    public init(mode: Mode = .single, source: ItemSource? = nil, itemKey: String? = nil, maxItemsPerFire: Int = 100,
                notify: Delivery? = nil) {
        self.notify = notify
        self.mode = mode
        self.source = source
        self.itemKey = itemKey
        self.maxItemsPerFire = maxItemsPerFire
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            mode: try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .single,
            source: try c.decodeIfPresent(ItemSource.self, forKey: .source),
            itemKey: try c.decodeIfPresent(String.self, forKey: .itemKey),
            maxItemsPerFire: try c.decodeIfPresent(Int.self, forKey: .maxItemsPerFire) ?? 100,
            notify: try c.decodeIfPresent(Delivery.self, forKey: .notify))
    }

    /// The key of an item: the value at ``itemKey`` as text, or the index.
    /// - Parameters:
    ///   - item: the item.
    ///   - index: its position in the source's list.
    public func key(of item: JSONValue, index: Int) -> String {
        guard let itemKey, let value = item.value(at: itemKey), value != .null else { return String(index) }
        return value.text
    }

    func validate(at path: String, into v: inout Validator) {
        if mode == .perItem, source == nil {
            v.fail(Validator.join(path, "source"), "per_item dispatch needs an item source")
        }
        source?.validate(at: Validator.join(path, "source"), into: &v)
        if let itemKey, itemKey.count > 200 || JSONValue.segments(of: itemKey) == nil {
            v.fail(Validator.join(path, "item_key"), "'\(itemKey)' is not a dotted path such as id or user.login (at most 200 characters)")
        }
        if let notify {
            if mode != .perItem { v.fail(Validator.join(path, "notify"), "only per_item dispatch notifies") }
            notify.validate(at: Validator.join(path, "notify"), into: &v)
        }
        v.check((1...10_000).contains(maxItemsPerFire), Validator.join(path, "max_items_per_fire"),
                "\(maxItemsPerFire) must be between 1 and 10000")
    }
}

/// Where the items of a fire come from.
public enum ItemSource: Sendable, Hashable, Codable {
    /// A fixed JSON list.
    case `static`([JSONValue])
    /// An HTTP GET returning a JSON array.
    case http(HTTPItemSource)
    /// A command printing a JSON array.
    case command(CommandItemSource)

    /// The wire tags.
    public enum Kind: String, WireEnum {
        case `static`, http, command
        public static let wireName = "item source kind"
    }

    /// The tag of this case.
    public var kind: Kind {
        switch self {
        case .static: .static
        case .http: .http
        case .command: .command
        }
    }

    private enum ItemsKey: String, CodingKey { case items }

    public init(from decoder: any Decoder) throws {
        switch try decoder.kind(Kind.self) {
        case .static: self = .static(try decoder.container(keyedBy: ItemsKey.self).decode([JSONValue].self, forKey: .items))
        case .http: self = .http(try HTTPItemSource(from: decoder))
        case .command: self = .command(try CommandItemSource(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .static(let items):
            try encoder.encodeKind(kind)
            var c = encoder.container(keyedBy: ItemsKey.self)
            try c.encode(items, forKey: .items)
        case .http(let s): try encoder.encodeKind(kind, s)
        case .command(let s): try encoder.encodeKind(kind, s)
        }
    }

    func validate(at path: String, into v: inout Validator) {
        switch self {
        case .static(let items):
            v.check(items.count <= Limits.staticItems, Validator.join(path, "items"),
                    "has \(items.count) items; at most \(Limits.staticItems) are allowed")
        case .http(let s):
            v.httpURL(s.url, Validator.join(path, "url"))
            v.headers(s.headers, fromEnv: s.headersFromEnv, path)
        case .command(let s):
            v.argv(s.argv, Validator.join(path, "argv"))
            v.environment(s.env, Validator.join(path, "env"))
        }
    }
}

/// Items from an HTTP GET that returns a JSON array: an endpoint with plain and secret
/// headers, the same shape as a webhook delivery.
public typealias HTTPItemSource = HTTPEndpoint

/// Items from a command that prints a JSON array.
public struct CommandItemSource: Sendable, Hashable, Codable {
    /// Program and arguments (no shell).
    public var argv: [String]
    /// Extra environment.
    public var env: [String: String]

    enum CodingKeys: String, CodingKey { case argv, env }

    /// - Parameters:
    ///   - argv: program and arguments.
    ///   - env: extra environment.
    public init(argv: [String], env: [String: String] = [:]) {
        self.argv = argv
        self.env = env
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(argv: try c.decode([String].self, forKey: .argv),
                  env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:])
    }
}
