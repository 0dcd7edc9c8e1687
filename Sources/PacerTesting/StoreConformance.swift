import Foundation
import PacerCore
import PacerStore

/// One case of the store conformance suite: a name and a body that runs against a fresh,
/// empty store and throws ``ConformanceFailure`` when the store misbehaves.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    /// Reads as `subject_condition_expectation`.
    public let name: String
    /// The body; it gets a fresh, empty store and does not close it.
    public let run: @Sendable (any Store) async throws -> Void

    /// - Parameters:
    ///   - name: the case's name.
    ///   - run: the body.
    public init(_ name: String, _ run: @escaping @Sendable (any Store) async throws -> Void) {
        self.name = name
        self.run = run
    }

    /// The name, so a case reads well as a test argument.
    public var description: String { name }
}

/// A store broke the contract: what was expected, and where it was checked.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    /// The file and line of the check.
    public let location: String

    /// `file:line: message`.
    public var description: String { "\(location): \(message)" }
}

/// The cases every ``PacerStore/Store`` must pass, whatever its backend. A test target runs
/// each case on a fresh database:
///
/// ```swift
/// @Test(arguments: StoreConformance.cases)
/// func sqlite(_ c: ConformanceCase) async throws { try await c.run(makeStore()) }
/// ```
public enum StoreConformance {
    /// Every case, grouped by feature.
    public static let cases: [ConformanceCase] =
        scheduleCases + claimCases + runCases + runSessionCases + sessionCases + continuationCases + catalogCases
        + feedCases + tokenCases + backfillCases + pageCases
}

// MARK: Helpers

/// Throws ``ConformanceFailure`` unless `condition` holds.
/// - Parameters:
///   - condition: what must hold.
///   - message: what was expected, with the values seen.
func check(_ condition: Bool, _ message: @autoclosure () -> String,
           file: StaticString = #fileID, line: UInt = #line) throws {
    if !condition { throw ConformanceFailure(message: message(), location: "\(file):\(line)") }
}

/// Throws ``ConformanceFailure`` unless `body` throws an error that `matches` accepts.
/// - Parameters:
///   - what: the error expected, for the message.
///   - body: the call that must fail.
///   - matches: whether the thrown error is the right one.
func checkThrows<T>(_ what: String, file: StaticString = #fileID, line: UInt = #line,
                    _ body: () async throws -> T, matches: (any Error) -> Bool) async throws {
    do {
        let value = try await body()
        throw ConformanceFailure(message: "expected \(what), got \(value)", location: "\(file):\(line)")
    } catch let failure as ConformanceFailure {
        throw failure
    } catch {
        try check(matches(error), "expected \(what), got \(error)", file: file, line: line)
    }
}

/// Throws unless `body` throws exactly `expected`.
func checkThrows<T>(_ expected: StoreError, file: StaticString = #fileID, line: UInt = #line,
                    _ body: () async throws -> T) async throws {
    try await checkThrows("\(expected)", file: file, line: line, body) { ($0 as? StoreError) == expected }
}

/// The result of `body`, or `nil` when it takes longer than `seconds` (a bounded wait, not a
/// sleep: it returns as soon as `body` does).
func within<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

// MARK: Fixtures (fixed instants)

enum Fixture {
    /// 2026-01-01T00:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    /// `t0` plus some seconds.
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// A schedule firing every five minutes in UTC, created at `t0` (first fire `t0 + 300`).
    static func schedule(_ name: String, enabled: Bool = true, rule: String = "*/5 * * * *",
                         policies: Policies = Policies()) -> Schedule {
        Schedule(id: PacerID.make(.schedule, at: t0), name: name, owner: "user:ada", enabled: enabled,
                 timing: ScheduleTiming(rule: rule), target: .command(CommandTarget(argv: ["true"])),
                 policies: policies, createdAt: t0)
    }

    /// A run of `scheduleID` at `t0 + seconds`.
    static func run(_ scheduleID: String, at seconds: Double, attempt: Int = 1, status: Run.Status = .queued,
                    trigger: Run.Trigger = .manual, itemKey: String? = nil) -> Run {
        Run(id: PacerID.make(.run, at: t0), scheduleID: scheduleID, scheduledAt: at(seconds), attempt: attempt,
            status: status, trigger: trigger, itemKey: itemKey)
    }

    /// A pending session created at `t0 + seconds`.
    static func session(scheduleID: String? = nil, itemKey: String? = nil, previous: String? = nil,
                        at seconds: Double = 0) -> Session {
        Session(id: PacerID.make(.session, at: at(seconds)), agentID: "agt_fixture", scheduleID: scheduleID,
                itemKey: itemKey, previousSessionID: previous, createdAt: at(seconds))
    }

    static func agent(_ name: String) -> Agent {
        Agent(id: PacerID.make(.agent, at: t0), name: name, provider: .openai, baseURL: "http://127.0.0.1:11434/v1",
              model: "llama3", apiKeyEnv: "PACER_TEST_KEY", tools: ["schedule_resume"], createdAt: t0)
    }

    static func monitor(_ name: String) -> Monitor {
        Monitor(id: PacerID.make(.monitor, at: t0), name: name, owner: "user:ada",
                spec: MonitorSpec(check: .delay(seconds: 5)), createdAt: t0)
    }

    static func workflow(_ name: String) -> Workflow {
        Workflow(id: PacerID.make(.workflow, at: t0), name: name, owner: "user:ada",
                 steps: [WorkflowStep(id: "fetch", .http(HTTPTarget(url: "https://example.com/feed")))], createdAt: t0)
    }
}
