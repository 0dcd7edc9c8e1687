import ChildProcess
import Foundation

/// A program a test runs (the `pacer` binary, a probe, `psql`, a Python peer), with its
/// standard output and error in files so a full pipe can never stall it, started through
/// ``ChildProcess`` (never Foundation's `Process`, whose launch can crash a test process that
/// holds many descriptors) and awaited without holding a thread.
public final class Program: @unchecked Sendable {
    /// How a finished program ended.
    public struct Result: Sendable {
        /// Its exit status, or the number of the signal that ended it.
        public let status: Int32
        /// How it ended.
        public let exit: ChildProcess.Exit
        /// Its standard output.
        public let stdout: String
        /// Its standard error.
        public let stderr: String
    }

    /// The child.
    public let child: ChildProcess
    private let scratch: URL
    private let outURL: URL
    private let errURL: URL

    /// Starts a program.
    /// - Parameters:
    ///   - executable: its path.
    ///   - arguments: its arguments.
    ///   - environment: its environment; this process's when `nil`.
    ///   - directory: its working directory.
    ///   - stdin: the text on its standard input (`/dev/null` when `nil`).
    ///   - mergeErrors: whether standard error goes to the standard output file.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil, stdin: String? = nil, mergeErrors: Bool = false) throws {
        let files = FileManager.default
        scratch = files.temporaryDirectory.appendingPathComponent("pacer-program-\(UUID().uuidString)")
        try files.createDirectory(at: scratch, withIntermediateDirectories: true)
        outURL = scratch.appendingPathComponent("out")
        errURL = mergeErrors ? outURL : scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        try Data((stdin ?? "").utf8).write(to: inURL)
        let input = open(inURL.path, O_RDONLY | O_CLOEXEC)
        let output = open(outURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let errors = mergeErrors ? output : open(errURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer {
            close(input)
            close(output)
            if !mergeErrors { close(errors) }
        }
        guard input >= 0, output >= 0, errors >= 0 else { throw ProgramError("cannot open the files of \(executable)") }
        child = try ChildProcess(
            executable: executable, arguments: arguments,
            environment: environment ?? ProcessInfo.processInfo.environment, directory: directory,
            stdin: .descriptor(input), stdout: .descriptor(output), stderr: .descriptor(errors))
    }

    deinit {
        child.send(SIGKILL)
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The process id.
    public var pid: Int32 { child.pid }

    /// Whether it still runs.
    public var isRunning: Bool { child.isRunning }

    /// Its standard output so far.
    public var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }

    /// Its standard error so far.
    public var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Sends a signal.
    /// - Parameter signal: the signal.
    public func signal(_ signal: Int32) { child.send(signal) }

    /// Waits for it to end.
    /// - Parameter timeout: the longest wait; then it is killed and this throws.
    /// - Returns: its status and output.
    public func finish(timeout: Duration = .seconds(60)) async throws -> Result {
        guard let exit = await child.wait(timeout: timeout) else {
            child.send(SIGKILL)
            throw ProgramError("still running after \(timeout); killed")
        }
        let status: Int32
        switch exit {
        case .exited(let code): status = code
        case .signaled(let signal): status = signal
        }
        return Result(status: status, exit: exit, stdout: stdout, stderr: stderr)
    }
}

/// A program that could not be run or waited for.
public struct ProgramError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// - Parameter description: what went wrong.
    public init(_ description: String) { self.description = description }
}
