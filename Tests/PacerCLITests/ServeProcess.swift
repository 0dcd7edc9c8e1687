import Foundation
import PacerTesting
import Testing

/// A `pacer serve` child process on a temporary SQLite file, with its stderr in a file.
final class ServeProcess {
    let process = Process()
    let log: URL
    let database: String

    /// Starts `pacer serve --database <database> --port 0 <extra>`.
    init(database: String, extra: [String] = [], environment: [String: String] = [:]) throws {
        self.database = database
        log = URL(fileURLWithPath: database + ".\(UUID().uuidString.prefix(6)).serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--database", database, "--port", "0"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: database).deletingLastPathComponent()
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Everything the server logged so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until the server logged that it listens; returns its base URL.
    func waitUntilListening(timeout: TimeInterval = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = output.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                return String(output[range])
            }
            guard process.isRunning else { throw ServeFailure("serve exited early:\n\(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeFailure("serve did not listen within \(timeout) s:\n\(output)")
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: TimeInterval = 30) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else { throw ServeFailure("serve did not exit within \(timeout) s:\n\(output)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }
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
