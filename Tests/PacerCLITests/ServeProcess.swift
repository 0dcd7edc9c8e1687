import Foundation
import PacerTesting
import Testing

/// A `pacer serve` child process on a temporary SQLite file, with its log in a file.
final class ServeProcess {
    let program: Program
    let database: String

    /// Starts `pacer serve --database <database> --port 0 <extra>`.
    init(database: String, extra: [String] = [], environment: [String: String] = [:]) throws {
        self.database = database
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        program = try Program(CLI.binary.path, ["serve", "--database", database, "--port", "0"] + extra, environment: env,
                              directory: URL(fileURLWithPath: database).deletingLastPathComponent().path, mergeErrors: true)
    }

    /// Everything the server logged so far.
    var output: String { program.stdout }

    /// Waits until the server logged that it listens; returns its base URL.
    func waitUntilListening(timeout: TimeInterval = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = output.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                return String(output[range])
            }
            guard program.isRunning else { throw ServeFailure("serve exited early:\n\(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeFailure("serve did not listen within \(timeout) s:\n\(output)")
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: TimeInterval = 30) async throws -> Int32 {
        do {
            return try await program.finish(timeout: .milliseconds(Int64(timeout * 1000))).status
        } catch {
            throw ServeFailure("serve did not exit within \(timeout) s:\n\(output)")
        }
    }

    func signal(_ sig: Int32) { program.signal(sig) }
}

struct ServeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Polls a condition in real time (for end-to-end tests with real processes only).
func eventually(_ what: String, timeout: TimeInterval = 15, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ServeFailure("timed out waiting for: \(what)")
}

/// A temporary directory for one end-to-end test.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
