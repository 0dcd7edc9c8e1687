import AsyncHTTPClient
import Foundation
import PacerCore
import Subprocess

/// Reads the items of a fire from its ``ItemSource``: a static list, an HTTP GET answering a
/// JSON array (with plain and secret headers), or a command printing a JSON array on standard
/// output (only on a server that allows commands).
public final class SourceItemReader: ItemReader {
    /// Options.
    public struct Configuration: Sendable {
        /// Where secret header values come from, and the environment commands inherit.
        public var environment: RunnerEnvironment
        /// The longest an HTTP source or a source command may take.
        public var timeout: Duration
        /// The largest answer read, in bytes; a longer one is an error.
        public var maxBytes: Int

        /// - Parameters:
        ///   - environment: where secret header values come from.
        ///   - timeout: the longest a source may take.
        ///   - maxBytes: the largest answer read.
        public init(environment: RunnerEnvironment = .process, timeout: Duration = .seconds(60),
                    maxBytes: Int = 16 * 1024 * 1024) {
            self.environment = environment
            self.timeout = timeout
            self.maxBytes = maxBytes
        }
    }

    /// Whether command sources may run.
    public let allowCommands: Bool
    /// The client HTTP sources are read with.
    public let client: HTTPClient
    /// The options.
    public let configuration: Configuration
    private let ownsClient: Bool

    /// - Parameters:
    ///   - allowCommands: whether the server was started with `--allow-commands`.
    ///   - configuration: options.
    ///   - client: a client to share (the caller shuts it down); when `nil` the reader makes
    ///     its own and ``shutdown()`` shuts it down.
    public init(allowCommands: Bool, configuration: Configuration = Configuration(), client: HTTPClient? = nil) {
        self.allowCommands = allowCommands
        self.configuration = configuration
        self.client = client ?? HTTPClient.makePacerClient()
        self.ownsClient = client == nil
    }

    /// Shuts down the client if the reader made it; call once, after the last read.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// The items the source lists now.
    /// - Parameter source: the item source.
    /// - Throws: ``RunnerError`` saying what went wrong: unreachable, a non-2xx answer, not
    ///   JSON, not an array, commands disabled, a command that failed.
    public func items(from source: ItemSource) async throws -> [JSONValue] {
        switch source {
        case .static(let items):
            return items
        case .http(let endpoint):
            return try Self.array(from: try await fetch(endpoint), what: "the item source's answer")
        case .command(let command):
            return try Self.array(from: try await execute(command), what: "the item command's output")
        }
    }

    private func fetch(_ endpoint: HTTPItemSource) async throws -> [UInt8] {
        var exchange = HTTPExchange(method: "GET", url: endpoint.url)
        exchange.set("Accept", "application/json")
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) { exchange.set(name, value) }
        let secrets = try configuration.environment.secretHeaders(endpoint.headersFromEnv, sentTo: endpoint.url)
        for (name, value) in secrets { exchange.setSecret(name, value) }
        let hidden = secrets.map(\.1)
        let answer: HTTPExchange.Answer
        do {
            answer = try await exchange.send(with: client, timeout: configuration.timeout, maxBodyBytes: configuration.maxBytes)
        } catch {
            try Task.checkCancellation()
            let failure = HTTPFailure(error)
            throw RunnerError(failure.runnerError.code, Redaction.scrub("item source: \(failure.message)", hidden))
        }
        guard (200..<300).contains(answer.status) else {
            let detail = answer.text.isEmpty ? "" : ": " + String(answer.text.prefix(200))
            throw RunnerError(.httpStatus, Redaction.scrub("item source answered \(answer.statusLine)\(detail)", hidden),
                              httpStatus: answer.status)
        }
        guard !answer.truncated else {
            throw RunnerError(.notJSONArray, "the item source's answer is larger than \(configuration.maxBytes) bytes")
        }
        // A source that echoes a secret header must not turn it into item data (keys, prompts).
        guard !hidden.isEmpty else { return answer.body }
        return Array(Redaction.scrub(answer.text, hidden).utf8)
    }

    private func execute(_ command: CommandItemSource) async throws -> [UInt8] {
        guard allowCommands else { throw RunnerError.commandsDisabled("command item source") }
        let child = CommandProcess(argv: command.argv, env: command.env)
        let result: CommandProcess.Result
        do {
            result = try await withTimeout(configuration.timeout) {
                try await child.run(in: self.configuration.environment, captureError: true, limit: self.configuration.maxBytes)
            }
        } catch let failure as CommandProcess.LaunchFailure {
            throw RunnerError(.commandFailed, "item command: \(failure.message)")
        }
        let stderr = result.errorOutput.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = stderr.isEmpty ? "" : ": " + String(stderr.prefix(200))
        switch result.status {
        case .exited(0): break
        case .exited(let code): throw RunnerError(.commandFailed, "item command exited with status \(code)\(detail)")
        case .signaled(let signal): throw RunnerError(.commandFailed, "item command was killed by signal \(signal)\(detail)")
        }
        guard !result.output.truncated else {
            throw RunnerError(.notJSONArray, "the item command printed more than \(configuration.maxBytes) bytes")
        }
        return result.output.bytes
    }

    /// Runs `body`, cancelling it after `limit` (a command source has no engine timeout).
    private func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw RunnerError(.commandFailed, "item command took longer than \(limit) and was stopped")
            }
            return value
        }
    }

    /// Decodes a JSON array, saying what was found instead.
    static func array(from bytes: [UInt8], what: String) throws(RunnerError) -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            let start = String(decoding: bytes.prefix(100), as: UTF8.self)
            throw RunnerError(.notJSONArray, "\(what) is not JSON; expected a JSON array, got '\(start)'")
        }
        switch value {
        case .array(let items): return items
        case .object: throw RunnerError(.notJSONArray, "\(what) is a JSON object, not an array")
        case .string: throw RunnerError(.notJSONArray, "\(what) is a JSON string, not an array")
        case .number: throw RunnerError(.notJSONArray, "\(what) is a JSON number, not an array")
        case .bool: throw RunnerError(.notJSONArray, "\(what) is a JSON boolean, not an array")
        case .null: throw RunnerError(.notJSONArray, "\(what) is JSON null, not an array")
        }
    }
}
