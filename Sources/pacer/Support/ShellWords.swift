/// Splits a command line into argv the way a POSIX shell would for simple input: blanks
/// separate words, `'...'` is literal, `"..."` allows `\"` and `\\`, and a backslash outside
/// quotes escapes the next character. No expansion of any kind.
enum ShellWords {
    /// Why a command line could not be split.
    struct SplitError: Error, CustomStringConvertible {
        let description: String
    }

    /// The words of a command line.
    /// - Parameter line: the command line.
    /// - Throws: ``SplitError`` for an unterminated quote or a trailing backslash.
    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            switch c {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let d = chars.next() {
                    if d == "'" { closed = true; break }
                    current.append(d)
                }
                if !closed { throw SplitError(description: "unterminated ' quote") }
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.next() {
                    if d == "\"" { closed = true; break }
                    if d == "\\" {
                        guard let e = chars.next() else { break }
                        if e != "\"" && e != "\\" && e != "$" && e != "`" { current.append("\\") }
                        current.append(e)
                    } else {
                        current.append(d)
                    }
                }
                if !closed { throw SplitError(description: "unterminated \" quote") }
            case "\\":
                guard let d = chars.next() else { throw SplitError(description: "trailing backslash") }
                inWord = true
                current.append(d)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
