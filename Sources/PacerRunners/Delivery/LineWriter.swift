#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Writes whole lines: to standard output, or appended to files under the server's log
/// directory. Writes happen on two threads of their own, never on Swift's cooperative pool:
/// one for standard output and one for files, so a standard output nobody reads holds neither
/// the pool nor the file deliveries (and once ``WriterLane/capacity`` lines wait for it, more
/// fail at once instead of piling up). Each line is one `O_APPEND` write, so lines from other
/// processes appending to the same file stay whole too.
///
/// A file is opened only inside the log directory, walking from the directory one component at
/// a time without following symbolic links, non-blocking, and only if it is a regular file
/// (never a FIFO or a device), with no other hard link and owned by this user; a missing
/// file is created with mode 0600.
final class LineWriter: Sendable {
    /// Where standard-output lines go (the process's standard output unless a test says otherwise).
    private let standardOutput: @Sendable ([UInt8]) throws -> Void
    /// The directory log files must be in; log deliveries are refused when `nil`.
    let logDirectory: String?
    private let stdoutLane = WriterLane(name: "pacer-stdout")
    private let fileLane = WriterLane(name: "pacer-log-files")

    /// - Parameters:
    ///   - logDirectory: the directory log files must be in (`nil` refuses them).
    ///   - standardOutput: writes one line to standard output.
    init(logDirectory: String?, standardOutput: @escaping @Sendable ([UInt8]) throws -> Void = LineWriter.writeToStandardOutput) {
        self.logDirectory = logDirectory
        self.standardOutput = standardOutput
    }

    /// Writes to the process's standard output at once (not through a buffered stream, so a
    /// piped stdout still shows each line as it is delivered).
    static let writeToStandardOutput: @Sendable ([UInt8]) throws -> Void = { bytes in
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(STDOUT_FILENO, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RunnerError(.fileError, "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }

    /// Writes one line to standard output.
    /// - Parameter line: the line, without its newline.
    func writeStandardOutput(_ line: [UInt8]) async throws {
        let write = standardOutput
        try await stdoutLane.run(what: "standard output") { try write(line + [0x0A]) }
    }

    /// Appends one line to a file inside the log directory, creating it with mode 0600 when
    /// missing.
    /// - Parameters:
    ///   - line: the line, without its newline.
    ///   - path: the file.
    /// - Throws: ``RunnerError`` naming the file and the reason.
    func append(_ line: [UInt8], to path: String) async throws {
        guard let logDirectory else {
            throw RunnerError(.fileError, "log deliveries are off on this server (start it with --log-dir DIR)")
        }
        try await fileLane.run(what: "log files") {
            let fd = try Self.openLogFile(path, under: logDirectory)
            defer { close(fd) }
            try Self.writeAll(fd, line + [0x0A], path: path)
        }
    }

    /// Opens `path` for appending: inside `directory`, no symbolic link on the way, a regular
    /// file, non-blocking; missing directories and the file are created (0700, 0600).
    static func openLogFile(_ path: String, under directory: String) throws(RunnerError) -> Int32 {
        let prefix = directory == "/" ? "/" : directory + "/"
        guard path.hasPrefix(prefix) else { throw RunnerError(.fileError, "log file \(path) is not inside the log directory \(directory)") }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw RunnerError(.fileError, "log file \(path) is not a plain path inside \(directory)")
        }
        var current = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw fileError("cannot open the log directory \(directory)") }
        for part in parts.dropLast() {
            var next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, mkdirat(current, part, 0o700) == 0 || errno == EEXIST {
                next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let failure = errno
            close(current)
            guard next >= 0 else {
                errno = failure
                throw fileError(failure == ELOOP || failure == ENOTDIR
                                ? "log file \(path): \(part) is not a directory inside the log directory (symbolic links are not followed)"
                                : "cannot open the directories of log file \(path)")
            }
            current = next
        }
        let fd = openat(current, parts.last!, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        let failure = errno
        close(current)
        guard fd >= 0 else {
            errno = failure
            switch failure {
            case ELOOP: throw RunnerError(.fileError, "log file \(path) is a symbolic link; it is not followed")
            case ENXIO, EWOULDBLOCK: throw RunnerError(.fileError, "log file \(path) is not a regular file")
            default: throw fileError("cannot open log file \(path)")
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw RunnerError(.fileError, "log file \(path) is not a regular file")
        }
        // A hard link, or a file another user put there, could lead anywhere that user chose.
        guard info.st_nlink == 1, info.st_uid == geteuid() else {
            close(fd)
            throw RunnerError(.fileError, "log file \(path) has other links or belongs to another user; it is not written")
        }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RunnerError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fileError("cannot write to log file \(path)")
            }
            written += n
        }
    }

    private static func fileError(_ what: String) -> RunnerError {
        RunnerError(.fileError, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// A thread of its own that runs blocking writes one at a time, in order, for async callers.
final class WriterLane: Sendable {
    /// The most writes that may wait; more fail at once.
    static let capacity = 1000

    private struct Job {
        var work: @Sendable () throws -> Void
        var done: CheckedContinuation<Void, any Error>
    }

    private struct Queue {
        var jobs: [Job] = []
        var started = false
    }

    private let queue = Mutex(Queue())
    private let signal = NSCondition()
    private let name: String

    init(name: String) { self.name = name }

    /// Runs `work` on the lane's thread and waits for it.
    /// - Parameters:
    ///   - what: what the lane writes to, named when too many writes wait.
    ///   - work: the blocking write.
    func run(what: String, _ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let (accepted, start) = queue.withLock { q -> (Bool, Bool) in
                guard q.jobs.count < Self.capacity else { return (false, false) }
                q.jobs.append(Job(work: work, done: done))
                defer { q.started = true }
                return (true, !q.started)
            }
            guard accepted else {
                done.resume(throwing: RunnerError(.fileError, "\(what) is not keeping up: \(Self.capacity) lines are waiting"))
                return
            }
            if start {
                let thread = Thread { [self] in loop() }
                thread.name = name
                thread.start()
            }
            signal.lock()
            signal.signal()
            signal.unlock()
        }
    }

    private func loop() {
        while true {
            signal.lock()
            var job = queue.withLock { q in q.jobs.isEmpty ? nil : q.jobs.removeFirst() }
            while job == nil {
                signal.wait()
                job = queue.withLock { q in q.jobs.isEmpty ? nil : q.jobs.removeFirst() }
            }
            signal.unlock()
            do {
                try job!.work()
                job!.done.resume()
            } catch {
                job!.done.resume(throwing: error)
            }
        }
    }
}
