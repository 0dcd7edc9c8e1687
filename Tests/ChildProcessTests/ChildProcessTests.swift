import ChildProcess
import Foundation
import Testing

@Suite struct ChildProcessTests {
    let env = ["PATH": "/usr/bin:/bin"]

    @Test func exitStatus_isReported_andWaitReturnsIt() async throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"], environment: env)
        #expect(await child.wait() == .exited(3))
        #expect(!child.isRunning)
        #expect(child.exit?.description == "exit status 3")
    }

    @Test func directory_environment_andOutputDescriptor_reachTheChild() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "pwd; echo \"$GREETING\""],
                                     environment: env.merging(["GREETING": "hello"]) { $1 }, directory: dir.path,
                                     stdout: .descriptor(fd))
        close(fd)
        #expect(await child.wait() == .exited(0))
        let resolved = dir.resolvingSymlinksInPath().path
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(resolved)\nhello\n")
    }

    @Test func missingProgram_throwsNamingIt() {
        #expect(throws: ChildProcess.SpawnError.self) {
            _ = try ChildProcess(executable: "/nonexistent/program", arguments: [], environment: env)
        }
    }

    @Test func terminate_killsAChildIgnoringSIGTERM_andItsGroup() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pidFile = dir.appendingPathComponent("pid").path
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "trap '' TERM; sleep 60 & echo $! > '\(pidFile)'; while :; do sleep 0.1; done"],
            environment: env, newProcessGroup: true)
        var grandchild: Int32?
        for _ in 0..<500 where grandchild == nil {
            grandchild = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if grandchild == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let exit = await child.terminate(grace: .milliseconds(300), group: true)
        #expect(exit == .signaled(SIGKILL))
        #expect(exit.description == "signal 9 (SIGKILL)")
        let orphan = try #require(grandchild)
        try await Task.sleep(for: .milliseconds(200))
        // Gone, or a zombie waiting for init: either way it no longer runs.
        let state = (try? String(contentsOfFile: "/proc/\(orphan)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        #expect(state == nil || state == "Z")
    }

    @Test func onExit_isCalledOnce_withHowItEnded() async throws {
        let box = Box()
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "kill -USR1 $$"], environment: env,
                                     onExit: { box.record($0) })
        _ = await child.wait()
        for _ in 0..<100 where box.exits.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(box.exits == [.signaled(SIGUSR1)])
    }
}

private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [ChildProcess.Exit] = []
    func record(_ exit: ChildProcess.Exit) { lock.withLock { recorded.append(exit) } }
    var exits: [ChildProcess.Exit] { lock.withLock { recorded } }
}
