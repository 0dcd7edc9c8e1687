import Foundation
import PacerCore
import Testing
@testable import PacerRunners

@Suite struct CommandRunnerTests {
    @Test func command_whenExitZero_succeedsWithOutput() async {
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: ["echo", "hello", "world"]))))
        #expect(outcome == .succeeded(output: "hello world\n"))
    }

    @Test func command_output_combinesStdoutAndStderr() async {
        let target = CommandTarget(argv: ["/bin/sh", "-c", "echo out; echo err >&2; echo more"])
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.status == .succeeded)
        #expect(outcome.output == "out\nerr\nmore\n")
    }

    @Test func command_whenNonZeroExit_failsTransientlyWithStatus() async {
        let target = CommandTarget(argv: ["/bin/sh", "-c", "echo trying; exit 3"])
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .transient)
        #expect(outcome.error == "exit status 3")
        #expect(outcome.output == "trying\n")
    }

    @Test func command_whenKilledBySignal_saysWhich() async {
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: ["/bin/sh", "-c", "kill -9 $$"]))))
        #expect(outcome.error == "killed by signal 9")
        #expect(outcome.failure == .transient)
    }

    @Test(arguments: ["pacer-no-such-program", "/nonexistent/pacer-tool"])
    func command_whenProgramMissing_failsPermanently(program: String) async {
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: [program]))))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("'\(program)'") == true)
        #expect(outcome.error?.contains("not found") == true)
    }

    @Test func command_whenNotExecutable_failsPermanently() async throws {
        let dir = try temporaryDirectory()
        let script = dir.appendingPathComponent("script.sh")
        try "#!/bin/sh\necho hi\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: [script.path]))))
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("not executable") == true || outcome.error?.contains("not found") == true)
    }

    @Test func command_whenWorkingDirMissing_failsPermanently() async {
        let target = CommandTarget(argv: ["pwd"], workingDir: "/nonexistent/pacer-dir")
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.failure == .permanent)
        #expect(outcome.error?.contains("/nonexistent/pacer-dir") == true)
    }

    @Test func command_whenCommandsDisabled_failsPermanentlySayingHowToAllow() async {
        let outcome = await commandRunner(allow: false).run(request(.command(CommandTarget(argv: ["echo", "hi"]))))
        #expect(outcome.status == .failed)
        #expect(outcome.failure == .permanent)
        #expect(outcome.error == "commands are disabled on this server; start it with --allow-commands")
    }

    @Test func command_env_isMergedOverServerEnvironment() async {
        let target = CommandTarget(argv: ["/bin/sh", "-c", "echo $PACER_A $PACER_B $PACER_C"],
                                   env: ["PACER_B": "target-b", "PACER_C": "target-c"])
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.output == "server-a target-b target-c\n")
    }

    @Test func command_workingDir_isUsed() async throws {
        let dir = try temporaryDirectory().resolvingSymlinksInPath()
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: ["pwd"], workingDir: dir.path))))
        #expect(outcome.output == dir.path + "\n")
    }

    @Test func command_withoutShell_passesArgumentsLiterally() async {
        let outcome = await commandRunner().run(request(.command(CommandTarget(argv: ["echo", "$HOME", "a;b", "`x`"]))))
        #expect(outcome.output == "$HOME a;b `x`\n")
    }

    @Test func command_withShell_runsScriptWithPositionalParameters() async {
        let target = CommandTarget(argv: [#"echo "$0|$1|$2|$#"; echo $PACER_A"#, "one", "two words"], shell: true)
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.output == "pacer|one|two words|2\nserver-a\n")
    }

    @Test func command_hugeOutput_keepsFirst64KBAndFinishes() async throws {
        let target = CommandTarget(argv: ["/bin/sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' a; echo done >&2"])
        let outcome = await commandRunner().run(request(.command(target)))
        #expect(outcome.status == .succeeded)
        #expect(outcome.output?.count == Run.outputExcerptLimit)

        let child = CommandProcess(argv: ["/bin/sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' a"])
        let result = try await child.run(in: .fixed(commandEnvironment), captureError: false, limit: 64 * 1024)
        #expect(result.output.bytes.count == 64 * 1024)
        #expect(result.output.truncated)
    }

    @Test func command_whenCancelled_terminatesChildPromptlyAndReapsIt() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let target = CommandTarget(argv: ["/bin/sh", "-c", "echo $$ > '\(pidFile.path)'; exec sleep 600"])
        let runner = commandRunner()
        let task = Task { await runner.run(request(.command(target))) }
        let pid = try await readPID(pidFile)
        #expect(isAlive(pid))

        var outcome: RunOutcome?
        let elapsed = await seconds {
            task.cancel()
            outcome = await task.value
        }
        #expect(elapsed < 300, "a guard against waiting for the child's 600 s, not a timing bound")
        #expect(outcome?.status == .failed)
        #expect(!exists(pid), "the child must be gone and reaped (no zombie)")
    }

    @Test func command_whenCancelled_plainSleepReturnsPromptly() async throws {
        let runner = commandRunner()
        let task = Task { await runner.run(request(.command(CommandTarget(argv: ["sleep", "600"])))) }
        try await Task.sleep(for: .milliseconds(300))
        let elapsed = await seconds {
            task.cancel()
            _ = await task.value
        }
        // A guard against waiting for the child's 600 s on a busy machine, not a timing bound
        // (30 s failed once at 30.5 s with both cores saturated).
        #expect(elapsed < 300, "far less than the sleep: the child was stopped, not waited for")
    }

    @Test func command_whenCancelled_stopsGrandchildrenToo() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let target = CommandTarget(argv: ["sleep 600 & echo $! > '\(pidFile.path)'; wait"], shell: true)
        let runner = commandRunner()
        let task = Task { await runner.run(request(.command(target))) }
        let grandchild = try await readPID(pidFile)
        #expect(isAlive(grandchild))

        let elapsed = await seconds {
            task.cancel()
            _ = await task.value
        }
        #expect(elapsed < 300, "a guard against waiting for the child's 600 s, not a timing bound")
        try await Task.sleep(for: .milliseconds(200))  // the grandchild's parent reaps it
        #expect(!isAlive(grandchild), "the grandchild must be killed with the process group")
    }

    @Test func command_whenChildIgnoresSIGTERM_isKilledAfterGracePeriod() async throws {
        let pidFile = try temporaryDirectory().appendingPathComponent("pid")
        let target = CommandTarget(argv: ["trap '' TERM; echo $$ > '\(pidFile.path)'; while :; do sleep 0.1; done"], shell: true)
        let runner = commandRunner()
        let task = Task { await runner.run(request(.command(target))) }
        let pid = try await readPID(pidFile)

        var outcome: RunOutcome?
        let elapsed = await seconds {
            task.cancel()
            outcome = await task.value
        }
        #expect(elapsed >= 1.5)
        #expect(elapsed < 60, "the child loops forever: finishing at all shows it was killed")
        #expect(outcome?.status == .failed)
        #expect(!exists(pid))
    }

    @Test func command_whenTargetIsNotCommand_failsPermanently() async {
        let outcome = await commandRunner().run(request(.http(HTTPTarget(url: "http://127.0.0.1:1/"))))
        #expect(outcome.failure == .permanent)
    }
}

/// Waits for a shell to write its pid.
private func readPID(_ file: URL) async throws -> pid_t {
    for _ in 0..<500 {
        if let text = try? String(contentsOf: file, encoding: .utf8),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return pid
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw CocoaError(.fileReadNoSuchFile)
}

/// Whether a process exists at all (a zombie still exists).
private func exists(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

/// Whether a process exists and is not a zombie.
private func isAlive(_ pid: pid_t) -> Bool {
    guard exists(pid) else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}
