import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a second `pacer serve` off the same SQLite file: an exclusive `flock` on
/// `<database>.serve.lock`, held for the life of the process (the kernel drops it when the
/// process dies, even by `kill -9`, so a crash never leaves a stale lock).
struct ServeLock {
    let path: String
    private let fd: Int32

    /// Takes the lock or throws a message naming the holder.
    /// - Parameter database: the SQLite file path.
    init(database: String) throws {
        path = database + ".serve.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CommandFailure("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = pread(fd, &buffer, 63, 0)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw CommandFailure("""
                another `pacer serve` (pid \(holder)) is already using \(database); stop it first, \
                or use PostgreSQL (--database postgres://...) to run several replicas
                """)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock.
    func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}
