import Foundation
import Logging
import PacerCore

/// One JSON object per log line on stderr: `{"ts", "level", "label", "msg", ...metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "ts": .string(PacerJSON.format(Date())), "level": .string(event.level.rawValue),
            "label": .string(label), "msg": .string("\(event.message)"),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = .string("\(value)")
        }
        guard var data = try? PacerJSON.encoder.encode(JSONValue.object(fields)) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }
}
