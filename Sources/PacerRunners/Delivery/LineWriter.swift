#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes whole lines, one at a time: to standard output, or appended to files. Being an actor,
/// it never lets two deliveries' lines interleave within this process; each line is one
/// `O_APPEND` write, so lines from other processes appending to the same file stay whole too.
actor LineWriter {
    /// Where standard-output lines go (the process's standard output unless a test says otherwise).
    private let standardOutput: @Sendable ([UInt8]) throws -> Void

    /// - Parameter standardOutput: writes one line to standard output.
    init(standardOutput: @escaping @Sendable ([UInt8]) throws -> Void = LineWriter.writeToStandardOutput) {
        self.standardOutput = standardOutput
    }

    /// Writes to the process's standard output at once (not through a buffered stream, so a
    /// piped stdout still shows each line as it is delivered).
    static let writeToStandardOutput: @Sendable ([UInt8]) throws -> Void = { bytes in
        try FileHandle.standardOutput.write(contentsOf: Data(bytes))
    }

    /// Writes one line to standard output.
    /// - Parameter line: the line, without its newline.
    func writeStandardOutput(_ line: [UInt8]) throws {
        try standardOutput(line + [0x0A])
    }

    /// Appends one line to a file, creating it with mode 0600 when missing.
    /// - Parameters:
    ///   - line: the line, without its newline.
    ///   - path: the file.
    /// - Throws: ``RunnerError`` naming the file and the system's reason.
    func append(_ line: [UInt8], to path: String) throws(RunnerError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.fileError("cannot open log file \(path)") }
        defer { close(fd) }
        let bytes = line + [0x0A]
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.fileError("cannot write to log file \(path)")
            }
            written += n
        }
    }

    private static func fileError(_ what: String) -> RunnerError {
        RunnerError(.fileError, "\(what): \(String(cString: strerror(errno)))")
    }
}
