import PacerSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import PacerCore
import PacerEngine
import PacerServer
import PacerStore
import Testing

/// `/healthz` says not ready, with the reasons, when the store cannot be written, the loop
/// stalls or runs are stuck; `/healthz/live` only that the process answers.
@Suite struct HealthTests {
    @Test func healthz_okWhileTheStoreWrites_notReadyNamingTheStoreOnceItCannot() async throws {
        let bench = try APIBench.make()
        try await bench.testWithProbes { client in
            let ok = try await client.execute(uri: "/healthz", method: .get)
            #expect(ok.status == .ok && ok.json["status"] == "ok", "\(ok.text)")
        }
        try await bench.store.close()
        // A new server on the closed store (its probe has nothing remembered).
        try await bench.testWithProbes { client in
            let down = try await client.execute(uri: "/healthz", method: .get)
            #expect(down.status == .serviceUnavailable, "\(down.text)")
            #expect(down.json["status"] == "not_ready")
            #expect(down.json["reasons"]?.elements.first?.text.contains("the store cannot be written") == true, "\(down.text)")
            let live = try await client.execute(uri: "/healthz/live", method: .get)
            #expect(live.status == .ok)
        }
        try? FileManager.default.removeItem(at: bench.directory)
    }

    @Test func engineHealth_namesAStalledLoop_aFailedPass_andStuckRuns() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let fine = EngineHealth(lastPassAt: now.addingTimeInterval(-5), lastError: nil, stuckRuns: [], inFlight: 2)
        #expect(fine.problems(now: now, staleAfter: 60).isEmpty)
        let stalled = EngineHealth(lastPassAt: now.addingTimeInterval(-300), lastError: nil, stuckRuns: [], inFlight: 0)
        #expect(stalled.problems(now: now, staleAfter: 60).first?.contains("not completed a pass for 300 s") == true)
        let failing = EngineHealth(lastPassAt: now.addingTimeInterval(-5), lastError: "disk I/O error", stuckRuns: ["run_1"], inFlight: 1)
        let problems = failing.problems(now: now, staleAfter: 60)
        #expect(problems.count == 2)
        #expect(problems[0].contains("disk I/O error") && problems[1].contains("run_1"))
        #expect(EngineHealth(lastPassAt: nil, lastError: nil, stuckRuns: [], inFlight: 0).problems(now: now, staleAfter: 60).count == 1)
    }
}
