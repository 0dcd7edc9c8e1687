import Foundation
import PacerCore
import Recurrence

/// Value mapping shared by both stores' schemas: instants as integer milliseconds since
/// 1970-01-01T00:00:00Z, documents as PacerJSON text.
package protocol StoreMapping {}

extension StoreMapping {
    /// Milliseconds since the epoch, saturated to the years 0001...9999 (validation keeps every
    /// instant a definition gives inside them; this keeps a computed one from trapping).
    package static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return value > 0 ? maxMillis : minMillis }
        return Int64(min(max(value, Double(minMillis)), Double(maxMillis)))
    }

    package static var minMillis: Int64 { -62_135_596_800_000 }
    package static var maxMillis: Int64 { 253_402_300_799_999 }

    package static func date(_ millis: Int64?) -> Date? {
        millis.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    package static func json(_ value: some Encodable) throws -> String {
        String(decoding: try PacerJSON.encode(value), as: UTF8.self)
    }
}

extension Session {
    /// Appends transcript, tool log and events and adds usage (one store write does it).
    package mutating func append(messages: [Message], toolCalls: [ToolCall], events: [SessionEvent],
                         inputTokens: Int, outputTokens: Int, cost: Double) {
        self.messages += messages
        toolLog += toolCalls
        self.events += events
        self.inputTokens += inputTokens
        self.outputTokens += outputTokens
        self.cost += cost
    }
}
