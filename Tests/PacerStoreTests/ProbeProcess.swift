import Foundation
import PacerTesting
import Testing

/// Runs `pacer-store-probe` (or `psql`) as a separate process, with output in files so a
/// full pipe can never stall the child.
final class ProbeProcess {
    let process = Process()
    let dir: URL
    let outURL: URL
    let errURL: URL

    /// The built `pacer-store-probe` next to the test bundle.
    static let probe: URL = builtExecutable(
        "pacer-store-probe", packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())

    init(_ arguments: [String], executable: URL = ProbeProcess.probe) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        outURL = dir.appendingPathComponent("out")
        errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    var output: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to end (polling: `waitUntilExit` can hang in async code).
    func wait(timeout: TimeInterval = 120) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                Issue.record("process timed out: \(process.arguments ?? [])")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationStatus
    }

    /// Claimed runs printed by `claim`: (schedule id, scheduled instant in ms).
    var claimed: [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("run ") }.map { String($0.dropFirst(4)) }
    }

    /// Sends SIGKILL.
    func kill() { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
}

/// A fresh PostgreSQL database for one test, or `nil` when PostgreSQL is not configured
/// (a failure when `PACER_REQUIRE_POSTGRES=1`, as in CI).
func freshPostgresDatabase() throws -> String? {
    guard let base = ProcessInfo.processInfo.environment["PACER_TEST_POSTGRES_URL"], !base.isEmpty else {
        if ProcessInfo.processInfo.environment["PACER_REQUIRE_POSTGRES"] == "1" {
            Issue.record("PACER_REQUIRE_POSTGRES=1 but PACER_TEST_POSTGRES_URL is not set")
        }
        return nil
    }
    let name = "pacer_k_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let psql = URL(fileURLWithPath: "/usr/bin/psql")
    let p = Process()
    p.executableURL = psql
    p.arguments = [base, "-q", "-c", "CREATE DATABASE \(name)"]
    try p.run()
    while p.isRunning { usleep(5_000) }
    guard p.terminationStatus == 0 else { throw CancellationError() }
    guard let slash = base.lastIndex(of: "/") else { return nil }
    let query = base[slash...].firstIndex(of: "?").map { String(base[$0...]) } ?? ""
    return String(base[..<slash]) + "/" + name + query
}
