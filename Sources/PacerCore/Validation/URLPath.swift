import Foundation

/// Paths of URLs Pacer sends requests to.
public enum URLPath {
    /// Why a URL's path is refused: a `.` or `..` segment (also percent-encoded, `%2e%2e`),
    /// which a server resolves to another path than the one a secret pinned to a URL prefix
    /// was checked against. `nil` when there is none.
    public static func dotSegmentProblem(_ url: String) -> String? {
        guard let afterScheme = url.range(of: "://") else { return nil }
        let rest = url[afterScheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let path = String(rest[slash...].prefix { $0 != "?" && $0 != "#" })
        // Decoded first (`%2e%2e%2f` is `../`), and `\` read as `/`, as some servers do.
        let decoded = path.removingPercentEncoding ?? path
        for segment in decoded.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }) {
            if segment == "." || segment == ".." {
                return "has a '\(segment)' path segment (written '\(path.prefix(200))'); give the path it stands for"
            }
        }
        return nil
    }
}
