import Foundation

/// The path of an executable this package built, for tests that run it as a separate process:
/// next to the test bundle, or in `.build/debug` of the package.
/// - Parameters:
///   - name: the product name, e.g. `pacer`.
///   - packageRoot: the package's root folder, as a fallback.
public func builtExecutable(_ name: String, packageRoot: URL) -> URL {
    var dir = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/\(name)")
}
