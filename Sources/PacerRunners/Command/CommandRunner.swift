import Logging
import PacerCore
import Subprocess

/// Runs `command` targets: argv without a shell unless the target asks for one, the target's
/// environment over the server's, its working directory. Success is exit status 0; the output
/// is the start of standard output and standard error combined.
///
/// Commands run only on a server started with `--allow-commands`; otherwise every command run
/// fails permanently saying so. Cancelling the run's task stops the command: SIGTERM to its
/// process group, SIGKILL two seconds later, and the child is reaped before ``run(_:)``
/// returns.
public struct CommandRunner: Runner {
    /// Options.
    public struct Configuration: Sendable {
        /// The environment commands inherit (under each target's own `env`).
        public var environment: RunnerEnvironment
        /// Most bytes of output kept in memory (the run records a shorter excerpt).
        public var maxOutputBytes: Int
        /// Where to log command starts and ends (never environment values).
        public var logger: Logger

        /// - Parameters:
        ///   - environment: the environment commands inherit.
        ///   - maxOutputBytes: most bytes of output kept.
        ///   - logger: the logger.
        public init(environment: RunnerEnvironment = .process, maxOutputBytes: Int = 64 * 1024,
                    logger: Logger = Logger(label: "pacer.runners.command")) {
            self.environment = environment
            self.maxOutputBytes = maxOutputBytes
            self.logger = logger
        }
    }

    /// Whether this server runs commands at all.
    public let allowCommands: Bool
    /// The options.
    public let configuration: Configuration

    /// - Parameters:
    ///   - allowCommands: whether the server was started with `--allow-commands`.
    ///   - configuration: options.
    public init(allowCommands: Bool, configuration: Configuration = Configuration()) {
        self.allowCommands = allowCommands
        self.configuration = configuration
    }

    /// Runs a `command` target once.
    /// - Parameter request: the run; its schedule's target must be a command.
    public func run(_ request: RunRequest) async -> RunOutcome {
        guard case .command(let target) = request.schedule.target else {
            return .failed("the command runner cannot run a \(request.schedule.target.kind.rawValue) target", failure: .permanent)
        }
        guard allowCommands else { return .failed(RunnerError.commandsDisabledMessage, failure: .permanent) }

        let child = CommandProcess(argv: target.argv, env: target.env, workingDir: target.workingDir, shell: target.shell)
        var logger = configuration.logger
        logger[metadataKey: "run"] = "\(request.run.id)"
        logger.debug("command starting", metadata: ["program": "\(target.shell ? "/bin/sh" : target.argv.first ?? "")"])
        do {
            let result = try await child.run(in: configuration.environment, captureError: false,
                                             limit: configuration.maxOutputBytes)
            let output = result.output.text
            logger.debug("command ended", metadata: ["status": "\(result.status)"])
            switch result.status {
            case .exited(0):
                return .succeeded(output: output)
            case .exited(let code):
                return .failed("exit status \(code)", output: output, failure: .transient)
            case .signaled(let signal):
                return .failed("killed by signal \(signal)", output: output, failure: .transient)
            }
        } catch let failure as CommandProcess.LaunchFailure {
            return .failed(failure.message, failure: .permanent)
        } catch {
            if Task.isCancelled { return .failed("cancelled", failure: .transient) }
            return .failed("command failed: \(error)", failure: .transient)
        }
    }
}
