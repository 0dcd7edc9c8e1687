import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PacerTesting
import PacerCore
import PacerStore
import PacerStoreURL
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

    /// What the tests' server allows: commands, the variables the tests name, log files under
    /// the temporary directory. Published to the store before the first command, as
    /// `pacer serve` does at start.
    static let policy = ServerPolicy(
        allowCommands: true,
        allowedEnvironment: ["ANTHROPIC_API_KEY", "API_TOKEN", "PACER_E2E_MODEL_KEY", "OPENAI_API_KEY"].map { .init(name: $0) },
        logDirectory: "/tmp")
    private var published = false

    /// Runs `pacer <arguments> --database <this database>` and waits for it.
    func pacer(_ arguments: String...) async throws -> CLI.Result {
        if !published {
            try await withStore { try await $0.publishPolicy(Self.policy) }
            published = true
        }
        return try await start(arguments).wait()
    }

    /// Runs `pacer` with exactly these arguments (no `--database` added).
    func pacerRaw(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Result {
        try await Running(arguments, in: dir, environment: environment).wait()
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
    func addHelper(_ extra: String...) async throws {
        let r = try await start(["agents", "add", "helper", "--base-url", "http://127.0.0.1:11434/v1", "--model", "llama3.1"] + extra).wait()
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// `schedule show NAME --json` as an object.
    func show(_ name: String) async throws -> [String: Any] {
        let r = try await pacer("schedule", "show", name, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Takes the database's `pacer serve` lock, as a running server holds it, until `release`.
    func holdServeLock() throws -> ServeLockHolder { try ServeLockHolder(path: database + ".serve.lock") }

    /// Adds the `ping` schedule of the README.
    func addPing() async throws {
        let r = try await pacer("schedule", "add", "--name", "ping", "--every", "30s", "--http", "https://example.com/hook")
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A running `pacer` process whose output goes to files (a full pipe can never stall it).
    final class Running {
        let program: Program

        init(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws {
            var env = ProcessInfo.processInfo.environment
            env["PACER_DATABASE"] = nil
            env["TZ"] = "UTC"
            for (k, v) in environment { env[k] = v }
            program = try Program(CLI.binary.path, arguments, environment: env, directory: dir.path)
        }

        func wait() async throws -> CLI.Result {
            let r = try await program.finish()
            return CLI.Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
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

/// A `pacer serve` lock held by the test process (an exclusive `flock`, like the server's).
final class ServeLockHolder {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            throw ProgramError("cannot lock \(path)")
        }
    }

    func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
