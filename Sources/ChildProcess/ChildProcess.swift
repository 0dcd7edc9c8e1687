import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, and reaped by a thread of its own.
///
/// Pacer starts long-lived children (MCP servers) and its tests start many short ones.
/// Foundation's `Process.run()` on Linux scans `/proc/self/fd` with an over-reading copy that
/// can crash a process holding many descriptors; this type never does: the descriptors the
/// child gets are named, every other one of Pacer's is close-on-exec (or closed by the spawn
/// where the C library offers it).
public final class ChildProcess: Sendable {
    /// How a child ended.
    public enum Exit: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)

        /// `exit status 1`, `signal 9 (SIGKILL)`.
        public var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal):
                return "signal \(signal)" + (ChildProcess.signalNames[signal].map { " (\($0))" } ?? "")
            }
        }
    }

    /// What the child does with one of its standard streams.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// This descriptor of Pacer's (the caller keeps and closes its own copy).
        case descriptor(Int32)
    }

    /// A failure to start the program.
    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        /// The program.
        public let executable: String
        /// The `errno` of `posix_spawn`.
        public let code: Int32
        /// `cannot start '/usr/bin/x': No such file or directory`.
        public var description: String { "cannot start '\(executable)': \(String(cString: strerror(code)))" }
    }

    /// The process id.
    public let pid: Int32

    private struct State {
        var exit: Exit?
        var waiters: [CheckedContinuation<Exit, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts a program.
    /// - Parameters:
    ///   - executable: the path of the program.
    ///   - arguments: its arguments (without the program name).
    ///   - environment: its whole environment.
    ///   - directory: its working directory; Pacer's when `nil`.
    ///   - stdin: its standard input.
    ///   - stdout: its standard output.
    ///   - stderr: its standard error.
    ///   - newProcessGroup: whether it leads a process group of its own (so a signal to the
    ///     group reaches its children too).
    ///   - guarded: start it under the installed ``ChildGuard`` (when there is one), so that it
    ///     and its children die with this process, even by SIGKILL.
    ///   - onExit: called once, on the reaper thread, when it has exited.
    /// - Throws: ``SpawnError`` when the program cannot be started.
    public init(executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
                stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null, newProcessGroup: Bool = false,
                guarded: Bool = false, onExit: (@Sendable (Exit) -> Void)? = nil) throws(SpawnError) {
        var executable = executable, arguments = arguments
        if guarded, let guardPath = ChildGuard.installed {
            (executable, arguments) = ChildGuard.wrap(executable, arguments, guardPath: guardPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        if let directory {
            guard let addChdir = Self.addChdir else { throw SpawnError(executable: executable, code: ENOSYS) }
            _ = addChdir(&actions, directory)
        }
        // Descriptors above the standard three are closed in the child where the C library can.
        _ = Self.addClosefrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Signals Pacer ignores or handles start at their defaults in the child.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnError(executable: executable, code: code) }
        self.pid = pid
        startReaper(onExit: onExit)
    }

    /// How it ended, or `nil` while it runs.
    public var exit: Exit? { state.withLock { $0.exit } }

    /// Whether it still runs (it has not been reaped).
    public var isRunning: Bool { exit == nil }

    /// Waits for it to end.
    /// - Returns: how it ended.
    public func wait() async -> Exit {
        await withCheckedContinuation { continuation in
            let ended: Exit? = state.withLock { s in
                if let exit = s.exit { return exit }
                s.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Waits for it to end, at most `timeout`.
    /// - Parameter timeout: the longest wait.
    /// - Returns: how it ended, or `nil` if it still runs.
    public func wait(timeout: Duration) async -> Exit? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let exit { return exit }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return exit
    }

    /// Sends a signal (to its process group with `group`), unless it has been reaped.
    /// - Parameters:
    ///   - signal: the signal.
    ///   - group: whether to signal its whole process group (it must lead one).
    public func send(_ signal: Int32, group: Bool = false) {
        // Holding the lock keeps the reaper from freeing the pid in between.
        state.withLock { s in
            guard s.exit == nil else { return }
            _ = kill(group ? -pid : pid, signal)
        }
    }

    /// Sends SIGTERM, then SIGKILL after `grace`; returns once it has ended.
    /// - Parameters:
    ///   - grace: time between the two signals.
    ///   - group: whether to signal its whole process group.
    @discardableResult
    public func terminate(grace: Duration = .seconds(2), group: Bool = false) async -> Exit {
        send(SIGTERM, group: group)
        if let exit = await wait(timeout: grace) { return exit }
        send(SIGKILL, group: group)
        return await wait()
    }

    /// A reaper thread: waits (without reaping) until this child has exited, then reaps it and
    /// records how it ended under the lock, so ``send(_:group:)`` never signals a recycled pid.
    private func startReaper(onExit: (@Sendable (Exit) -> Void)?) {
        let pid = pid
        let reaper = Reaper(pid: pid) { [self] in
            let (exit, waiters) = self.state.withLock { s -> (Exit, [CheckedContinuation<Exit, Never>]) in
                var status: Int32 = 0
                var r: pid_t
                repeat { r = waitpid(pid, &status, 0) } while r < 0 && errno == EINTR
                let signal = status & 0x7f
                let exit: Exit = r != pid ? .exited(-1) : signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
                s.exit = exit
                defer { s.waiters = [] }
                return (exit, s.waiters)
            }
            for waiter in waiters { waiter.resume(returning: exit) }
            onExit?(exit)
        }
        reaper.start()
    }

    // `posix_spawn_file_actions_addchdir_np` and `_addclosefrom_np` (glibc 2.29 and 2.34) are
    // not visible to Swift without `_GNU_SOURCE`; they are looked up at run time.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    private static let addClosefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }

    static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGABRT: "SIGABRT", SIGKILL: "SIGKILL",
        SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM", SIGBUS: "SIGBUS",
    ]
}

/// The thread that waits for one child.
private final class Reaper: Sendable {
    let pid: pid_t
    let reap: @Sendable () -> Void

    init(pid: pid_t, reap: @escaping @Sendable () -> Void) {
        self.pid = pid
        self.reap = reap
    }

    func start() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { raw in
            let reaper = Unmanaged<Reaper>.fromOpaque(raw!).takeRetainedValue()
            reaper.run()
            return nil
        }, context)
        if started == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Reaper>.fromOpaque(context).release()
            run()  // no thread to be had: wait here rather than leak a zombie
        }
    }

    func run() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
        reap()
    }
}
