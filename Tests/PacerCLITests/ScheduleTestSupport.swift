import Foundation
import PacerCore
import PacerStore
import Testing

/// A temporary directory with a SQLite database for one test; runs the real `pacer` binary
/// against it, with the directory as the working directory.
final class Workspace {
    let dir: URL
    var database: String { dir.appendingPathComponent("pacer.db").path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-cli-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    /// Runs `pacer <arguments> --database <this database>` and waits for it.
    func pacer(_ arguments: String...) throws -> CLI.Result {
        try start(arguments).wait()
    }

    /// Runs `pacer` with exactly these arguments (no `--database` added).
    func pacerRaw(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        try Running(arguments, in: dir, environment: environment).wait()
    }

    /// Starts `pacer <arguments> --database <this database>` without waiting.
    func start(_ arguments: [String]) throws -> Running {
        try Running(arguments + ["--database", database], in: dir)
    }

    /// Writes a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Opens the workspace's store directly (as a server would).
    func withStore<T>(_ body: (any Store) async throws -> T) async throws -> T {
        let store = try await openStore(database)
        do {
            let value = try await body(store)
            try await store.close()
            return value
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Every schedule in the store, or none when the database was never created.
    func schedules() async throws -> [Schedule] {
        guard FileManager.default.fileExists(atPath: database) else { return [] }
        return try await withStore { try await $0.schedules() }
    }

    /// Every agent in the store, by name, or none when the database was never created.
    func agents() async throws -> [Agent] {
        guard FileManager.default.fileExists(atPath: database) else { return [] }
        return try await withStore { try await $0.agents() }.sorted { $0.name < $1.name }
    }

    /// Adds an agent `helper` on a local OpenAI-compatible endpoint.
    func addHelper(_ extra: String...) throws {
        let r = try start(["agents", "add", "helper", "--base-url", "http://127.0.0.1:11434/v1", "--model", "llama3.1"] + extra).wait()
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// `schedule show NAME --json` as an object.
    func show(_ name: String) throws -> [String: Any] {
        let r = try pacer("schedule", "show", name, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Adds the `ping` schedule of the README.
    func addPing() throws {
        let r = try pacer("schedule", "add", "--name", "ping", "--every", "30s", "--http", "https://example.com/hook")
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A running `pacer` process whose output goes to files (a full pipe can never stall it).
    final class Running {
        let process = Process()
        let out: URL, err: URL, scratch: URL

        init(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws {
            scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-cli-io-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            out = scratch.appendingPathComponent("out")
            err = scratch.appendingPathComponent("err")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            process.executableURL = CLI.binary
            process.arguments = arguments
            process.currentDirectoryURL = dir
            var env = ProcessInfo.processInfo.environment
            env["PACER_DATABASE"] = nil
            env["TZ"] = "UTC"
            for (k, v) in environment { env[k] = v }
            process.environment = env
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        deinit { try? FileManager.default.removeItem(at: scratch) }

        func wait() throws -> CLI.Result {
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning {
                guard Date() < deadline else { process.terminate(); throw CancellationError() }
                usleep(5_000)
            }
            return CLI.Result(status: process.terminationStatus,
                              stdout: try String(contentsOf: out, encoding: .utf8),
                              stderr: try String(contentsOf: err, encoding: .utf8))
        }
    }
}

extension CLI.Result {
    /// Stdout as a JSON value.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    /// The cells of each stdout line, split at runs of two or more spaces.
    var rows: [[String]] {
        stdout.split(separator: "\n").map { line in
            line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
    }
}
