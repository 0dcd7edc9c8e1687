#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcess
import Subprocess
import SystemPackage

/// One child process run to completion with bounded output capture: the plumbing the command
/// runner and the command item source share.
///
/// The child gets its own process group. When the calling task is cancelled the group receives
/// SIGTERM, then SIGKILL after ``gracePeriod``; the child is always reaped before ``run(in:captureError:limit:)``
/// returns, so no zombie is left behind.
struct CommandProcess: Sendable {
    /// How the child ended and what it printed.
    struct Result: Sendable {
        /// Exit code or signal.
        var status: TerminationStatus
        /// The start of standard output (with standard error merged in when asked).
        var output: Captured
        /// The start of standard error, when captured apart.
        var errorOutput: Captured
    }

    /// The start of a stream.
    struct Captured: Sendable {
        /// At most the limit asked for.
        var bytes: [UInt8] = []
        /// Whether the stream had more.
        var truncated = false

        /// As text; invalid UTF-8 is replaced, and a character cut by the limit is dropped.
        var text: String {
            var s = String(decoding: bytes, as: UTF8.self)
            if truncated, s.last == "\u{FFFD}" { s.removeLast() }
            return s
        }
    }

    /// Why the child could not be started.
    struct LaunchFailure: Error, Sendable {
        var message: String
    }

    /// SIGTERM to SIGKILL on cancellation.
    static let gracePeriod: Duration = .seconds(2)

    /// Program and arguments, or a script and its parameters with ``shell``.
    var argv: [String]
    /// Extra environment, over the server's.
    var env: [String: String] = [:]
    /// Working directory; the server's when `nil`.
    var workingDir: String?
    /// Run `argv[0]` with `/bin/sh -c`, the rest as `$1...` (and `$0` = `pacer`).
    var shell = false
    /// The guard it runs under, so it dies with the server (``ChildProcess/ChildGuard``);
    /// the one the server installed by default.
    var guardPath: String? = ChildGuard.installed

    /// Runs the child until it exits, capturing at most `limit` bytes of each stream and
    /// draining the rest so the child never blocks on a full pipe.
    /// - Parameters:
    ///   - environment: the server's environment, under ``env``.
    ///   - captureError: keep standard error apart (`true`) or merged into the output (`false`).
    ///   - limit: most bytes kept per stream.
    /// - Throws: ``LaunchFailure`` when the program cannot be started; `CancellationError` when
    ///   the task was cancelled (after the child is gone).
    func run(in environment: RunnerEnvironment, captureError: Bool, limit: Int) async throws -> Result {
        guard let first = argv.first, !first.isEmpty else { throw LaunchFailure(message: "argv is empty") }
        var executable: Executable
        var arguments: [String]
        if shell {
            executable = .path("/bin/sh")
            arguments = ["-c", first, "pacer"] + argv.dropFirst()
        } else {
            executable = first.contains("/") ? .path(.init(first)) : .name(first)
            arguments = Array(argv.dropFirst())
        }
        let merged = environment.values.merging(env, uniquingKeysWith: { _, new in new })
        var variables: [Environment.Key: String] = [:]
        for (k, v) in merged { variables[Environment.Key(stringLiteral: k)] = v }
        if let guardPath {
            // The guard starts the program itself: it must be found here, as Subprocess would.
            var program = shell ? "/bin/sh" : first
            if program.contains("/"), !program.hasPrefix("/"), let workingDir { program = workingDir + "/" + program }
            guard let resolved = ChildGuard.resolve(program, path: merged["PATH"]) else {
                throw LaunchFailure(message: "program '\(program)' was not found or is not executable")
            }
            let (guardExecutable, guarded) = ChildGuard.wrap(resolved, arguments, guardPath: guardPath)
            executable = .path(.init(guardExecutable))
            arguments = guarded
        }
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: Self.gracePeriod)]

        do {
            let result: Result
            if captureError {
                result = try await Subprocess.run(
                    executable, arguments: Arguments(arguments), environment: .custom(variables),
                    workingDirectory: workingDir.map { .init($0) }, platformOptions: options,
                    input: .none, output: .sequence, error: .sequence
                ) { execution in
                    async let out = Self.collect(execution.standardOutput, limit: limit)
                    async let err = Self.collect(execution.standardError, limit: limit)
                    return try await (out, err)
                }.map { Result(status: $0, output: $1.0, errorOutput: $1.1) }
            } else {
                result = try await Subprocess.run(
                    executable, arguments: Arguments(arguments), environment: .custom(variables),
                    workingDirectory: workingDir.map { .init($0) }, platformOptions: options,
                    input: .none, output: .sequence, error: .combinedWithOutput
                ) { execution in
                    try await Self.collect(execution.standardOutput, limit: limit)
                }.map { Result(status: $0, output: $1, errorOutput: Captured()) }
            }
            try Task.checkCancellation()
            return result
        } catch let error as SubprocessError {
            if Task.isCancelled { throw CancellationError() }
            throw LaunchFailure(message: describe(error))
        }
    }

    /// Reads a stream to its end, keeping the first `limit` bytes.
    private static func collect(_ stream: SubprocessOutputSequence, limit: Int) async throws -> Captured {
        var captured = Captured()
        for try await buffer in stream {
            let room = limit - captured.bytes.count
            if room <= 0 {
                if !buffer.isEmpty { captured.truncated = true }
                continue
            }
            buffer.withUnsafeBytes { raw in
                captured.bytes.append(contentsOf: raw.prefix(room))
                if raw.count > room { captured.truncated = true }
            }
        }
        return captured
    }

    /// Why a launch failed, in words naming the program.
    private func describe(_ error: SubprocessError) -> String {
        let program = shell ? "/bin/sh" : (argv.first ?? "")
        switch error.code {
        case .executableNotFound:
            return "program '\(program)' was not found or is not executable"
        case .failedToChangeWorkingDirectory:
            return "cannot change to working directory '\(workingDir ?? "")'"
        case .spawnFailed:
            if let errno = error.underlyingError?.rawValue {
                switch errno {
                case ENOENT: return "program '\(program)' was not found"
                case EACCES, EPERM: return "program '\(program)' is not executable (permission denied)"
                case ENOEXEC: return "program '\(program)' is not an executable format"
                default: return "cannot start '\(program)': \(String(cString: strerror(errno)))"
                }
            }
            return "cannot start '\(program)': \(error)"
        default:
            return "cannot run '\(program)': \(error)"
        }
    }
}

private extension ExecutionResult {
    /// The status and the closure's value, as one value.
    func map<T>(_ transform: (TerminationStatus, ClosureResult) -> T) -> T {
        transform(terminationStatus, closureResult)
    }
}
