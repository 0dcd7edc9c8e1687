import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a second `pacer serve` off the same SQLite file: an exclusive `flock` on
/// `<database>.serve.lock`, held for the life of the process (the kernel drops it when the
/// process dies, even by `kill -9`, so a crash never leaves a stale lock). `pacer schedule run
/// --wait` takes it too while it runs a fire itself. The file names the holder.
struct ServeLock {
    let path: String
    private let fd: Int32

    /// Takes the lock or throws a message naming the holder.
    /// - Parameters:
    ///   - database: the SQLite file path.
    ///   - holder: what takes it, written in the file for the message of the next one.
    init(database: String, holder: String = "pacer serve") throws {
        guard let lock = try Self.acquire(database: database, holder: holder) else {
            let (pid, other) = Self.holder(of: database + ".serve.lock")
            let what = other == "pacer serve" ? "another `pacer serve` (pid \(pid))" : "`\(other)` (pid \(pid))"
            throw CommandFailure("""
                \(what) is already using \(database); stop it first, \
                or use PostgreSQL (--database postgres://...) to run several replicas
                """)
        }
        self = lock
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// The lock, or `nil` when another process holds it.
    /// - Throws: ``CommandFailure`` when the lock file cannot be created.
    static func acquire(database: String, holder: String) throws -> ServeLock? {
        let path = database + ".serve.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CommandFailure("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        let text = "\(getpid()) \(holder)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return ServeLock(path: path, fd: fd)
    }

    /// The pid and kind of the process the lock file names.
    static func holder(of path: String) -> (pid: String, holder: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        return (parts.first ?? "?", parts.count > 1 ? parts[1] : "pacer serve")
    }

    /// Releases the lock.
    func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
