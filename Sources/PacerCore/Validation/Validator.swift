import Foundation
import Recurrence

/// Collects field errors under a path prefix.
struct Validator {
    private(set) var errors: [FieldError] = []

    /// `a` + `b` as `a.b`; an index segment `[2]` is appended without a dot.
    static func join(_ path: String, _ field: String) -> String {
        if path.isEmpty { return field }
        if field.isEmpty { return path }
        return field.hasPrefix("[") ? path + field : path + "." + field
    }

    mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    mutating func check(_ ok: Bool, _ field: String, _ message: @autoclosure () -> String) {
        if !ok { fail(field, message()) }
    }

    /// Non-empty after trimming, and at most `max` characters.
    mutating func text(_ value: String, _ field: String, max: Int = 200) {
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            fail(field, "must not be empty")
        } else if value.count > max {
            fail(field, "is \(value.count) characters long; at most \(max) are allowed")
        }
    }

    /// An absolute `http` or `https` URL with a host, at most ``Limits/urlLength`` long; with
    /// `templated`, one whose path and query may hold Mustache tags (an HTTP target's URL,
    /// rendered per run).
    mutating func httpURL(_ value: String, _ field: String, templated: Bool = false) {
        if value.utf8.count > Limits.urlLength {
            fail(field, "is \(value.utf8.count) bytes long; URLs of at most \(Limits.urlLength) bytes are allowed")
        } else if value.contains("{{") {
            if templated {
                urlTemplate(value, field)
            } else {
                fail(field, "'\(value)' is not a template here: '{{' is refused (only an HTTP target's URL is rendered per run)")
            }
        } else if !Self.isHTTPURL(value) {
            fail(field, "'\(value)' is not an absolute http or https URL")
        } else if let problem = URLPath.dotSegmentProblem(value) {
            fail(field, "'\(value)' \(problem)")
        }
    }

    /// A URL with Mustache tags (`https://api.example.com/items/{{item.id}}`): it compiles,
    /// and its scheme and host come before the first tag, so a run's values never choose
    /// where the request (and any secret header pinned to a URL prefix) goes.
    mutating func urlTemplate(_ value: String, _ field: String) {
        let fixed = String(value[..<value.range(of: "{{")!.lowerBound])
        let afterScheme = fixed.range(of: "://").map { fixed[$0.upperBound...] } ?? ""
        do {
            _ = try Template(value)
        } catch {
            fail(field, "is not a valid template: \(error.message)")
            return
        }
        if !Self.isHTTPURL(fixed) || !afterScheme.contains("/") {
            fail(field, "'\(value)' may use {{...}} only after the scheme, the host and the '/' after it")
        }
    }

    static func isHTTPURL(_ value: String) -> Bool {
        guard !value.contains(where: \.isWhitespace), let url = URL(string: value),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    /// The name of an environment variable (`[A-Za-z_][A-Za-z0-9_]*`).
    mutating func envName(_ value: String, _ field: String) {
        if !Self.isEnvName(value) {
            fail(field, "'\(value)' is not an environment variable name (letters, digits and _, not starting with a digit)")
        }
    }

    static func isEnvName(_ value: String) -> Bool {
        guard let first = value.utf8.first, first == 95 || isLetter(first) else { return false }
        return value.utf8.allSatisfy { $0 == 95 || isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }

    /// HTTP header names (RFC 9110 tokens), values without line breaks, at most
    /// ``Limits/headers`` of them, and, for secret headers, variable names.
    mutating func headers(_ headers: [String: String], fromEnv: [String: String], _ path: String) {
        if headers.count + fromEnv.count > Limits.headers {
            fail(Self.join(path, "headers"), "\(headers.count + fromEnv.count) headers; at most \(Limits.headers) are allowed")
            return
        }
        for name in headers.keys.sorted() {
            if !Self.isToken(name) || name.utf8.count > 256 {
                fail(Self.join(path, "headers"), "'\(name.prefix(100))' is not a valid header name")
            } else if let value = headers[name], value.utf8.count > Limits.headerValueLength
                        || value.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\t" || $0.value == 127 }) {
                fail(Self.join(path, "headers.\(name)"),
                     "must be at most \(Limits.headerValueLength) bytes without control characters")
            }
        }
        for name in fromEnv.keys.sorted() {
            if !Self.isToken(name) { fail(Self.join(path, "headers_from_env"), "'\(name)' is not a valid header name") }
            envName(fromEnv[name]!, Self.join(path, "headers_from_env.\(name)"))
        }
    }

    static func isToken(_ value: String) -> Bool {
        let extra = Set("!#$%&'*+-.^_`|~".utf8)
        return !value.isEmpty && value.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || extra.contains($0) }
    }

    /// A rule text that parses; the rule's own field is named in the message.
    mutating func rule(_ text: String, _ field: String) {
        do {
            _ = try Rule.parse(text)
        } catch {
            fail(field, error.field == "rule" ? error.message : error.description)
        }
    }

    /// An argv list: at least one element, the program not empty, at most ``Limits/argvItems``
    /// elements of ``Limits/argvBytes`` bytes in all, no NUL bytes (a program cannot receive them).
    mutating func argv(_ argv: [String], _ field: String) {
        if argv.isEmpty {
            fail(field, "must list at least the program to run")
        } else if argv[0].trimmingCharacters(in: .whitespaces).isEmpty {
            fail(field + "[0]", "the program must not be empty")
        } else if argv.count > Limits.argvItems {
            fail(field, "has \(argv.count) elements; at most \(Limits.argvItems) are allowed")
        } else if argv.reduce(0, { $0 + $1.utf8.count }) > Limits.argvBytes {
            fail(field, "is longer than \(Limits.argvBytes) bytes in all")
        } else if let i = argv.firstIndex(where: { $0.utf8.contains(0) }) {
            fail(field + "[\(i)]", "must not contain a NUL character")
        }
    }

    /// Environment for a child process: every key a variable name, at most ``Limits/envItems``
    /// entries, values without NUL bytes.
    mutating func environment(_ env: [String: String], _ field: String) {
        if env.count > Limits.envItems {
            fail(field, "has \(env.count) variables; at most \(Limits.envItems) are allowed")
            return
        }
        for key in env.keys.sorted() {
            if !Self.isEnvName(key) || key.utf8.count > 256 {
                fail(field, "'\(key.prefix(100))' is not an environment variable name (letters, digits and _, not starting with a digit)")
            } else if let value = env[key], value.utf8.contains(0) || value.utf8.count > Limits.argvBytes {
                fail(Self.join(field, key), "must be at most \(Limits.argvBytes) bytes without NUL characters")
            }
        }
    }

    /// A number in a closed range (finite), with the message naming the range in `unit`.
    mutating func number(_ value: Double, _ field: String, _ range: ClosedRange<Double>, _ what: String) {
        if !(value.isFinite && range.contains(value)) { fail(field, "\(value) must be \(what)") }
    }

    /// A whole number in a closed range.
    mutating func count(_ value: Int, _ field: String, _ range: ClosedRange<Int>) {
        if !range.contains(value) { fail(field, "\(value) must be between \(range.lowerBound) and \(range.upperBound)") }
    }

    /// A name people give: not empty, at most `max` characters, no control, formatting or
    /// bidirectional characters (which could make it look like another name), and not
    /// shaped like an id (`sch_...`), which would make a reference by name ambiguous.
    mutating func name(_ value: String, _ field: String, max: Int = 200) {
        let before = errors.count
        text(value, field, max: max)
        if errors.count > before { return }
        if value.unicodeScalars.contains(where: Self.isInvisible) {
            fail(field, "must not contain control, formatting or bidirectional characters")
        } else if value != value.trimmingCharacters(in: .whitespaces) {
            fail(field, "must not start or end with spaces")
        } else if Self.isIDShaped(value) {
            fail(field, "'\(value)' looks like an id; choose a name that does not start with a kind prefix and '_'")
        }
    }

    /// Control (Cc), format (Cf: bidirectional marks, zero-width joiners) and line/paragraph
    /// separator characters.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: true
        default: false
        }
    }

    /// Whether a text has the shape of a ``PacerID`` (`sch_` and 26 base32 characters).
    static func isIDShaped(_ value: String) -> Bool {
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")
        let lower = value.lowercased()
        return PacerID.Kind.allCases.contains { kind in
            guard lower.hasPrefix(kind.rawValue + "_") else { return false }
            let rest = lower.dropFirst(kind.rawValue.count + 1)
            return rest.count == 26 && rest.allSatisfy(alphabet.contains)
        }
    }

    /// An instant RFC 3339 can write (years 0001 to 9999).
    mutating func instant(_ value: Date?, _ field: String) {
        if let value, !Limits.instants.contains(value) {
            fail(field, "\(PacerJSON.format(value)) is not between the years 0001 and 9999")
        }
    }

    /// A Mustache template must compile, and be at most ``Limits/templateBytes`` long.
    mutating func template(_ source: String, _ path: String) {
        if source.utf8.count > Limits.templateBytes {
            return fail(path, "is \(source.utf8.count) bytes long; at most \(Limits.templateBytes) are allowed")
        }
        do { _ = try Template(source) } catch { fail(path, "template does not compile: \(error.message)") }
    }
}

/// The bounds every definition field is held to, on every surface: whatever passes them can be
/// stored, read back, scheduled and shown without overflowing anything.
public enum Limits {
    /// Longest URL, in bytes.
    public static let urlLength = 8192
    /// Most headers (plain and secret) of one request.
    public static let headers = 100
    /// Longest header value, in bytes.
    public static let headerValueLength = 8192
    /// Most argv elements.
    public static let argvItems = 1000
    /// Most bytes of argv (and of one environment value).
    public static let argvBytes = 128 * 1024
    /// Most environment variables given to a command.
    public static let envItems = 1000
    /// Longest template (prompt, body), in bytes.
    public static let templateBytes = 1 << 20
    /// Longest rule text.
    public static let ruleLength = 1000
    /// Most exclusion rules.
    public static let exclusions = 100
    /// Longest retry delay, timeout or delay check: 30 days.
    public static let longWaitSeconds: Double = 30 * 86_400
    /// Longest misfire grace: one year.
    public static let misfireGraceSeconds: Double = 366 * 86_400
    /// Longest agent session life: ten years, in hours.
    public static let lifetimeHours: Double = 10 * 366 * 24
    /// Most fires of one schedule.
    public static let maxFires = 1_000_000_000
    /// Most runs kept per schedule.
    public static let keepLast = 1_000_000_000
    /// Most items of a static item source.
    public static let staticItems = 10_000
    /// The instants RFC 3339 can write: years 0001 to 9999.
    public static let instants = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799.999)
}
