import AsyncHTTPClient
import ChildProcess
import Foundation
import PacerAgents
import PacerCore
import PacerTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a process exists (a zombie counts until its reaper thread collects it).
func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

/// Waits until `condition` holds, up to `seconds`.
func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return await condition()
}

/// A model provider that runs a hook before each call (numbered from 0), then the real one.
struct HookedProvider: ModelProvider {
    let inner: any ModelProvider
    let calls: CallCounter
    let before: @Sendable (Int) async -> Void

    func complete(_ request: ModelRequest) async throws -> ModelReply {
        await before(calls.next())
        return try await inner.complete(request)
    }
}

final class CallCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

extension AgentBench {
    /// The session driver with the hub's tools, and a hook before each model call.
    func sessions(hub: MCPHub, before: @escaping @Sendable (Int) async -> Void = { _ in }) -> AgentSessions {
        let environment = self.environment, clock = self.clock
        let options = ProviderOptions(requestTimeout: 60, maxRetries: 0, backoffBase: 1, sleep: { _ in })
        let calls = CallCounter()
        return AgentSessions(
            store: store,
            makeProvider: { agent in
                let inner = try ModelProviders.make(for: agent, environment: environment, client: HTTPClient.shared, options: options)
                return HookedProvider(inner: inner, calls: calls, before: before)
            },
            defaultCaps: defaultCaps, clock: clock, extraTools: { await hub.tools(for: $0) })
    }

    /// Runs one fire of the schedule through a driver.
    func run(_ schedule: Schedule, with sessions: AgentSessions) async -> RunOutcome {
        let run = Run(id: PacerID.make(.run, at: clock.now()), scheduleID: schedule.id, scheduledAt: clock.now(),
                      firesAt: clock.now(), attempt: 1, status: .running, trigger: .schedule)
        return await sessions.run(RunRequest(schedule: schedule, run: run, item: nil, items: []))
    }
}

/// The `tools` of an OpenAI request: name to function object.
func offeredFunctions(_ call: ModelCall) -> [String: JSONValue] {
    guard case .array(let tools)? = call.body["tools"] else { return [:] }
    var out: [String: JSONValue] = [:]
    for tool in tools {
        if case .string(let name)? = tool["function"]?["name"] { out[name] = tool["function"] }
    }
    return out
}

/// A Python MCP server on HTTP (`Tests/MCP/echo_http_server.py`), stopped by `stop()`.
final class EchoHTTPServer: @unchecked Sendable {
    let program: Program
    let port: Int

    init(json: Bool) async throws {
        let program = try Program(try MCPPython.python(), [MCPPython.script("echo_http_server.py")] + (json ? ["--json"] : []))
        // The first line is the port.
        let deadline = ContinuousClock.now + .seconds(60)
        var line: Substring?
        while line == nil, program.isRunning, ContinuousClock.now < deadline {
            let text = program.stdout
            if let newline = text.firstIndex(of: "\n") { line = text[..<newline] } else { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let line, let port = Int(line) else {
            program.signal(SIGKILL)
            throw MCPTestError(message: "the echo server did not print its port (got '\(program.stdout)'; \(program.stderr))")
        }
        self.program = program
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/mcp" }

    func stop() async {
        program.signal(SIGKILL)
        _ = await program.child.wait(timeout: .seconds(5))
    }
}

struct MCPTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
