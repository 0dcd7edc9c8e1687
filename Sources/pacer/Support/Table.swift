import Foundation

/// A plain text table: a header row and left-aligned columns two spaces apart.
struct Table {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table with a trailing newline; cells are cut to one line.
    var text: String {
        let all = [header] + rows.map { $0.map(Self.oneLine) }
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// The first line of a text, at most `limit` characters, with an ellipsis when cut.
    static func excerpt(_ text: String?, limit: Int = 60) -> String {
        guard let text else { return "" }
        let line = oneLine(text.trimmingCharacters(in: .whitespacesAndNewlines))
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
