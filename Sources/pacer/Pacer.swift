import ArgumentParser
import ChildProcess
import Foundation

/// The `pacer` command.
@main
struct Pacer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacer",
        abstract: "Pacer: a scheduler for AI agents, HTTP calls and commands.",
        subcommands: [ServeCommand.self, NextCommand.self, ScheduleCommand.self, AgentsCommand.self, SessionsCommand.self,
                      ApplyCommand.self, TokensCommand.self, MCPCommand.self, WatchCommand.self]
    )

    /// Runs the command; usage errors and bad input exit with status 2 and a message on stderr.
    static func main() async {
        // A guard of a child of `pacer serve` (ChildGuard): no parsing, no Foundation.
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == ChildGuard.argument { ChildGuard.main(Array(arguments.dropFirst(2))) }
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.out(fullMessage(for: error) + "\n")
                Foundation.exit(0)
            }
            if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            Output.err("pacer: " + message + "\n")
            Foundation.exit(2)
        }
    }
}

/// Unbuffered writes to stdout and stderr (piped stdout is otherwise block-buffered).
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A bad input: printed on stderr as `pacer: <message>`, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
