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

    /// An absolute `http` or `https` URL with a host.
    mutating func httpURL(_ value: String, _ field: String) {
        if !Self.isHTTPURL(value) {
            fail(field, "'\(value)' is not an absolute http or https URL")
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

    /// HTTP header names (RFC 9110 tokens) and, for secret headers, variable names.
    mutating func headers(_ headers: [String: String], fromEnv: [String: String], _ path: String) {
        for name in headers.keys.sorted() where !Self.isToken(name) {
            fail(Self.join(path, "headers"), "'\(name)' is not a valid header name")
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

    /// An argv list: at least one element, the program not empty.
    mutating func argv(_ argv: [String], _ field: String) {
        if argv.isEmpty {
            fail(field, "must list at least the program to run")
        } else if argv[0].trimmingCharacters(in: .whitespaces).isEmpty {
            fail(field + "[0]", "the program must not be empty")
        }
    }

    /// Environment for a child process: every key a variable name.
    mutating func environment(_ env: [String: String], _ field: String) {
        for key in env.keys.sorted() where !Self.isEnvName(key) {
            fail(field, "'\(key)' is not an environment variable name (letters, digits and _, not starting with a digit)")
        }
    }

    /// A Mustache template must compile.
    mutating func template(_ source: String, _ path: String) {
        do { _ = try Template(source) } catch { fail(path, "template does not compile: \(error.message)") }
    }
}
