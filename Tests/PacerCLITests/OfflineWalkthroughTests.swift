import Foundation
import PacerCore
import PacerStore
import PacerTesting
import Testing

/// The README's offline agent walkthrough: `scripts/offline-model.py` as the model, the real
/// `pacer` binary, no key, no network, no server (the fire runs in `schedule run --wait`).
@Suite struct OfflineWalkthroughTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/offline-model.py").path

    /// Starts the stand-in model on a free port and returns it with its base URL.
    static func startModel() async throws -> (Program, String) {
        let model = try Program("/usr/bin/env", ["python3", script, "--port", "0"])
        for _ in 0..<500 {
            if let line = model.stdout.split(separator: "\n").first(where: { $0.contains("answering on ") }),
               let url = line.split(separator: " ").last {
                return (model, String(url))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        model.signal(SIGTERM)
        throw ProgramError("the offline model did not start: \(model.stderr)")
    }

    @Test func offlineModel_agentSession_runsHere_andPacesItself() async throws {
        let (model, base) = try await Self.startModel()
        defer { model.signal(SIGTERM) }
        let ws = try Workspace()
        let agent = try await ws.pacer("agents", "add", "offline", "--base-url", base, "--model", "offline")
        #expect(agent.status == 0, "\(agent.stderr)")
        let added = try await ws.pacer("schedule", "add", "--name", "check", "--every", "1h", "--agent", "offline",
                                       "--prompt", "Check the build and report.")
        #expect(added.status == 0, "\(added.stderr)")
        let r = try await ws.pacer("schedule", "run", "check", "--wait", "--timeout", "60s")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("running here: no `pacer serve` holds"), "\(r.stdout)")
        #expect(r.stdout.contains("I asked to be woken in a minute"), "\(r.stdout)")
        let sessionLine = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("session ses_") }, "\(r.stdout)")
        let id = String(sessionLine.split(separator: " ")[1])
        let session = try #require(try await ws.withStore { try await $0.session(id: id) })
        #expect(session.state == .waiting, "\(session.state)")
        #expect(session.resumeAt.map { $0.timeIntervalSince(session.createdAt) }.map { (59...61).contains($0) } == true,
                "resumes a minute later: \(String(describing: session.resumeAt))")
        #expect(session.toolLog.map(\.name) == ["schedule_resume"], "\(session.toolLog)")
    }
}
