import Foundation
import PacerTesting
import Testing

/// Runs `pacer-store-probe` (or `psql`) as a separate process, with output in files so a
/// full pipe can never stall the child.
final class ProbeProcess {
    let program: Program

    /// The built `pacer-store-probe` next to the test bundle.
    static let probe: URL = builtExecutable(
        "pacer-store-probe", packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())

    init(_ arguments: [String], executable: URL = ProbeProcess.probe) throws {
        program = try Program(executable.path, arguments)
    }

    var output: String { program.stdout }
    var errors: String { program.stderr }

    /// Waits for the process to end.
    func wait(timeout: TimeInterval = 120) async throws -> Int32 {
        do {
            return try await program.finish(timeout: .seconds(timeout)).status
        } catch {
            Issue.record("process timed out: \(error)")
            throw CancellationError()
        }
    }

    /// Claimed runs printed by `claim`: (schedule id, scheduled instant in ms).
    var claimed: [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("run ") }.map { String($0.dropFirst(4)) }
    }

    /// Sends SIGKILL.
    func kill() { program.signal(SIGKILL) }
}

/// A fresh PostgreSQL database for one test, or `nil` when PostgreSQL is not configured
/// (a failure when `PACER_REQUIRE_POSTGRES=1`, as in CI).
func freshPostgresDatabase() async throws -> String? {
    guard let base = ProcessInfo.processInfo.environment["PACER_TEST_POSTGRES_URL"], !base.isEmpty else {
        if ProcessInfo.processInfo.environment["PACER_REQUIRE_POSTGRES"] == "1" {
            Issue.record("PACER_REQUIRE_POSTGRES=1 but PACER_TEST_POSTGRES_URL is not set")
        }
        return nil
    }
    let name = "pacer_k_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let created = try await Program("/usr/bin/psql", [base, "-q", "-c", "CREATE DATABASE \(name)"]).finish()
    guard created.status == 0 else { throw CancellationError() }
    guard let slash = base.lastIndex(of: "/") else { return nil }
    let query = base[slash...].firstIndex(of: "?").map { String(base[$0...]) } ?? ""
    return String(base[..<slash]) + "/" + name + query
}
