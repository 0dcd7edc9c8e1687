#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Children never outlive the server that started them, even when it is killed with SIGKILL.
///
/// A guarded child is started through a small supervisor, the server's own executable run as
/// `pacer __child-guard PID PROGRAM ARGS...`: it leads the child's process group, starts the
/// program in it, passes its exit status on, and, as soon as its parent process `PID` is gone
/// (it looks ten times a second), kills the whole group (the program and anything it
/// started). `PR_SET_PDEATHSIG` is not used: it follows the thread that spawned the child, and
/// the threads of Swift's pools come and go.
public enum ChildGuard {
    /// The first argument that makes the server's executable a guard.
    public static let argument = "__child-guard"

    private static let executable = Mutex<String?>(nil)

    /// Makes every child started from now on (commands, item sources, stdio MCP servers) a
    /// guarded one, with `path` (the server's own executable) as the guard.
    /// - Parameter path: the executable that runs ``main(_:)`` when given ``argument``.
    public static func install(_ path: String) { executable.withLock { $0 = path } }

    /// The guard installed, if any.
    public static var installed: String? { executable.withLock { $0 } }

    /// This process's own executable (`/proc/self/exe`), or `nil` where it cannot be read.
    public static var currentExecutable: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        buffer[n] = 0
        return String(cString: buffer)
    }

    /// The command line that runs `program` under the guard `guardPath`.
    /// - Parameters:
    ///   - program: the absolute path of the program.
    ///   - arguments: its arguments.
    ///   - guardPath: the guard's executable.
    public static func wrap(_ program: String, _ arguments: [String], guardPath: String) -> (String, [String]) {
        (guardPath, [argument, String(getpid()), program] + arguments)
    }

    /// The absolute path of a program: a path with a `/` as it is, a name looked up in `path`
    /// (the `PATH` the child would see); `nil` when there is no such executable.
    /// - Parameters:
    ///   - program: a path or a name.
    ///   - path: the search path.
    public static func resolve(_ program: String, path: String?) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = directory + "/" + program
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                return String(candidate)
            }
        }
        return nil
    }

    /// The guard's whole life, in a process of its own: `arguments` are the parent's pid, the
    /// program and its arguments. Never returns.
    /// - Parameter arguments: what follows ``argument`` on the command line.
    public static func main(_ arguments: [String]) -> Never {
        guard arguments.count >= 2, let parent = pid_t(arguments[0]) else { _exit(127) }
        if getppid() != parent { _exit(137) }  // the server is gone already
        // The group's SIGTERM (a timeout, a drain) is for the program; the guard waits for it
        // to end and passes its status on. The program gets default dispositions back.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let argv = Array(arguments.dropFirst())
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var child: pid_t = 0
        let spawned = posix_spawn(&child, argv[0], nil, &attributes, &cArgs, environ)
        guard spawned == 0 else {
            let message = "pacer: cannot start \(argv[0]): \(String(cString: strerror(spawned)))\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(127)
        }
        while true {
            var status: Int32 = 0
            let reaped = waitpid(child, &status, WNOHANG)
            if reaped == child {
                let sig = status & 0x7f
                if sig == 0 { _exit((status >> 8) & 0xff) }
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
                _exit(128 + sig)
            }
            if reaped < 0, errno != EINTR { _exit(127) }
            if getppid() != parent {
                // The server died: nothing it started survives it.
                kill(0, SIGKILL)
                _exit(137)
            }
            usleep(100_000)
        }
    }
}
