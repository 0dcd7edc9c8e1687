import ChildProcess
import Foundation
import PacerCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The child process of a `stdio` MCP server: its pipes (created close-on-exec, so no other
/// child inherits them), a reader thread for each of its output streams, and how it ended.
///
/// Standard output is split into lines (one JSON-RPC message each) and handed to `onLine`;
/// its end calls `onEnd` once. Standard error is kept (the last few KB) for messages.
///
/// The child leads a process group of its own, so stopping it stops what it started too.
final class MCPChildProcess: Sendable {
    private let process: ChildProcess
    private let stdinFD: Mutex<Int32>
    private let shared = Shared()
    private let onEnd: @Sendable () -> Void

    /// What the reader threads and the termination handler share.
    private final class Shared: Sendable {
        /// The end of standard error, for messages.
        let stderrTail = Mutex("")
        /// Whether `onEnd` was called.
        let ended = Mutex(false)
        /// Whether standard error reached its end (everything the child wrote there is read).
        let stderrEnded = Mutex(false)
    }

    /// The process id.
    let pid: Int32

    /// The variables a child gets from `pacer serve`'s environment; the rest (API keys among
    /// them) are not passed on. The server's `env` comes on top.
    static let inheritedVariables = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ"]

    /// Starts the program.
    /// - Parameters:
    ///   - spec: the server (`command`, `args`, `env`, `cwd`).
    ///   - environment: `pacer serve`'s environment (for `PATH` and the inherited variables).
    ///   - onLine: gets each line of standard output.
    ///   - onEnd: called once when standard output ends or the process exits.
    /// - Throws: ``MCPFailure`` when the program cannot be found or started.
    init(spec: MCPServerSpec, environment: [String: String], onLine: @escaping @Sendable (Data) -> Void,
         onEnd: @escaping @Sendable () -> Void) throws(MCPFailure) {
        Self.ignoreBrokenPipes
        let command = spec.command ?? ""
        guard let executable = Self.resolve(command, path: spec.env["PATH"] ?? environment["PATH"], cwd: spec.cwd) else {
            throw MCPFailure.unavailable(spec.name, "command '\(command)' was not found" + (command.contains("/") ? "" : " on PATH"))
        }
        var childEnvironment: [String: String] = [:]
        for name in Self.inheritedVariables { childEnvironment[name] = environment[name] }
        childEnvironment.merge(spec.env) { _, own in own }

        let input = try Self.makePipe(spec.name)
        let output = try Self.makePipe(spec.name)
        let errors = try Self.makePipe(spec.name)
        let shared = self.shared
        let notifyEnd: @Sendable () -> Void = {
            let first = shared.ended.withLock { done in
                defer { done = true }
                return !done
            }
            if first { onEnd() }
        }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                executable: executable, arguments: spec.args, environment: childEnvironment, directory: spec.cwd,
                stdin: .descriptor(input.read), stdout: .descriptor(output.write), stderr: .descriptor(errors.write),
                newProcessGroup: true, guarded: true, onExit: { _ in notifyEnd() })
        } catch {
            for fd in [input.read, input.write, output.read, output.write, errors.read, errors.write] { close(fd) }
            throw MCPFailure.unavailable(spec.name, error.description)
        }
        // The child holds its own copies now.
        close(input.read)
        close(output.write)
        close(errors.write)
        self.process = process
        self.pid = process.pid
        self.stdinFD = Mutex(input.write)
        self.onEnd = notifyEnd
        Self.readLines(output.read, name: "pacer-mcp-\(spec.name)-out", onLine: onLine, onEnd: notifyEnd)
        Self.readLines(errors.read, name: "pacer-mcp-\(spec.name)-err", onLine: { line in
            let text = String(decoding: line, as: UTF8.self)
            shared.stderrTail.withLock { t in
                t += text + "\n"
                if t.utf8.count > 4096 { t = String(t.suffix(2048)) }
            }
        }, onEnd: { shared.stderrEnded.withLock { $0 = true } })
    }

    /// Writes one message and a newline to the child's standard input.
    /// - Parameter data: the message.
    /// - Throws: ``MCPTransportClosed`` when the pipe is closed (the child stopped reading).
    func send(_ data: Data) throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        try stdinFD.withLock { fd in
            guard fd >= 0 else { throw MCPTransportClosed(reason: "standard input is closed") }
            try message.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR || errno == EAGAIN { continue }
                        throw MCPTransportClosed(reason: "cannot write to the server: \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
            }
        }
    }

    /// Closes the child's standard input (most servers exit when it ends).
    func closeInput() {
        stdinFD.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Whether the process still runs.
    var isRunning: Bool { process.isRunning }

    /// How the process ended, waiting up to `seconds` for it to be reaped: `exit status 1`,
    /// `signal 9 (SIGKILL)`, `still running`; with the last line of its standard error.
    /// - Parameter seconds: the longest wait.
    func exitDescription(waiting seconds: Double = 5) async -> String {
        // The exit, then the rest of standard error (its reader may lag behind a busy machine).
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while process.isRunning || !shared.stderrEnded.withLock({ $0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        var out = process.exit?.description ?? "its output ended"
        let lastLine = shared.stderrTail.withLock { $0 }.split(separator: "\n").last.map(String.init)
        if let lastLine, !lastLine.isEmpty { out += "; last error output: \(lastLine.prefix(300))" }
        return out
    }

    /// Stops the child: closes its input, sends SIGTERM, and SIGKILL after `grace` seconds;
    /// returns once it has exited (and been reaped), or after 5 more seconds.
    /// - Parameter grace: seconds between SIGTERM and SIGKILL.
    func terminate(grace: Double = 2) async {
        closeInput()
        guard process.isRunning else { return }
        await process.terminate(grace: .milliseconds(Int64(grace * 1000)), group: true)
    }

    // MARK: Plumbing

    /// Writing to a pipe whose reader is gone must fail with `EPIPE`, not kill Pacer.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// A pipe whose both ends are close-on-exec (the child gets its ends by `dup2`, which clears it).
    private static func makePipe(_ server: String) throws(MCPFailure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw MCPFailure.unavailable(server, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        // `pipe2(O_CLOEXEC)` is not visible from Swift on glibc; set the flag at once.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// The executable for a command: a path as it is (relative to `cwd`), a bare name looked
    /// up on `PATH`.
    static func resolve(_ command: String, path: String?, cwd: String?) -> String? {
        let files = FileManager.default
        if command.contains("/") {
            let full = command.hasPrefix("/") || cwd == nil ? command : cwd! + "/" + command
            return files.isExecutableFile(atPath: full) ? full : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + command
            if files.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Reads `fd` on a thread of its own until its end, handing out complete lines; closes it.
    private static func readLines(_ fd: Int32, name: String, onLine: @escaping @Sendable (Data) -> Void,
                                  onEnd: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0, errno == EINTR || errno == EAGAIN { continue }
                if n <= 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[(newline + 1)...])
                    let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
                    if !trimmed.isEmpty { onLine(Data(trimmed)) }
                }
            }
            if !pending.isEmpty { onLine(pending) }
            close(fd)
            onEnd()
        }
        thread.name = name
        thread.start()
    }
}
