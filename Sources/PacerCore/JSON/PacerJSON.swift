import Foundation
import Recurrence

/// The one JSON configuration every Pacer surface uses (store, API, CLI, MCP).
///
/// Wire names are snake_case, spelled out in each type's `CodingKeys` (no key strategy, so
/// free-form objects such as headers and tool arguments keep their keys exactly). Instants are
/// RFC 3339 strings in UTC with millisecond precision (`2026-03-08T09:00:00.250Z`; the
/// fraction is left out when it is zero); decoding accepts any offset.
public enum PacerJSON {
    /// A new encoder: sorted keys, unescaped slashes, RFC 3339 instants.
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(format(date))
        }
        return e
    }

    /// A new decoder reading what ``encoder`` writes.
    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "'\(text)' is not an RFC 3339 instant such as 2026-03-08T09:00:00Z")
            }
            return date
        }
        return d
    }

    /// Encodes a value with ``encoder``.
    /// - Parameter value: the value.
    public static func encode(_ value: some Encodable) throws -> Data {
        try encoder.encode(value)
    }

    /// Decodes a value with ``decoder``.
    /// - Parameters:
    ///   - type: the type to decode.
    ///   - data: the JSON text.
    /// A number that does not fit its field is reported with that field's path.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = self.decoder
        do {
            return try decoder.decode(type, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty && T.self != JSONValue.self {
            throw locatingUnfitNumber(type, in: data, decoder: decoder) ?? DecodingError.dataCorrupted(context)
        }
    }

    /// An instant as RFC 3339 in UTC, with milliseconds when they are not zero. Instants
    /// outside the years 0001 to 9999 (which validation refuses) are written as the nearest end.
    /// - Parameter date: the instant.
    public static func format(_ date: Date) -> String {
        let bounds = Limits.instants
        let clamped = date.timeIntervalSince1970.isNaN ? bounds.lowerBound : min(max(date, bounds.lowerBound), bounds.upperBound)
        let millis = Int64((clamped.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        var text = Timestamp.format(seconds, in: .utc)
        if fraction != 0 {
            text.removeLast()
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
        }
        return text
    }

    /// Parses an RFC 3339 instant (any offset, optional fraction kept to milliseconds).
    /// - Parameter text: the instant.
    public static func parse(_ text: String) -> Date? {
        guard let seconds = Timestamp.parse(text) else { return nil }
        var millis: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix(while: \.isNumber).prefix(3)
            millis = Int64(digits.padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0
        }
        return Date(timeIntervalSince1970: Double(seconds * 1000 + millis) / 1000)
    }

    /// A decoding error as one line naming the field path, e.g.
    /// `policies.overlap: unknown overlap policy 'sometimes'; expected skip, buffer_one, allow or cancel_previous`.
    /// - Parameter error: an error thrown by ``decoder``.
    public static func describe(_ error: any Error) -> String {
        guard error is DecodingError else { return String(describing: error) }
        let problem = DecodingProblem.fieldError(error, at: "")
        return problem.field.isEmpty ? problem.message : "\(problem.field): \(problem.message)"
    }
}
