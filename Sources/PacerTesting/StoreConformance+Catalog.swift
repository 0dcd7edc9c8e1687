import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let catalogCases: [ConformanceCase] = [
        ConformanceCase("catalog_agents_validatedUniqueAndUpsertedById") { store in
            let writer = try await store.saveAgent(Fixture.agent("writer"))
            try check(try await store.agent(id: writer.id) == writer, "the agent reads back by id")
            try check(try await store.agent(named: "writer") == writer, "and by name")
            var bad = Fixture.agent("")
            bad.baseURL = "not a url"
            bad.maxTurns = 0
            try await checkThrows("ValidationError with 3 fields", { try await store.saveAgent(bad) }) {
                (($0 as? ValidationError)?.fields.count ?? 0) >= 3
            }
            try check(try await store.agent(id: bad.id) == nil, "an invalid agent is not written")
            var renamed = writer
            renamed.model = "llama3.1"
            renamed.maxTurns = 0
            try await checkThrows("ValidationError", { try await store.saveAgent(renamed) }) { $0 is ValidationError }
            try check(try await store.agent(id: writer.id) == writer, "an invalid update writes nothing")
            renamed.maxTurns = 30
            try check(try await store.saveAgent(renamed) == renamed, "a valid update saves")
            try check(try await store.agents() == [renamed], "upserted by id, not duplicated")
            try await checkThrows(.nameTaken("writer")) { try await store.saveAgent(Fixture.agent("writer")) }
            let reader = try await store.saveAgent(Fixture.agent("reader"))
            try check(try await store.agents().map(\.name) == ["reader", "writer"], "agents by name")
            try check(try await store.deleteAgent(id: reader.id), "delete reports a deletion")
            try check(try await store.deleteAgent(id: reader.id) == false, "a second delete deletes nothing")
            try check(try await store.agent(named: "reader") == nil, "the agent is gone")
        },
        ConformanceCase("catalog_monitorsAndWorkflows_validatedAndUnique") { store in
            let monitor = try await store.saveMonitor(Fixture.monitor("deploy-done"))
            try check(try await store.monitor(id: monitor.id) == monitor, "the monitor reads back")
            var badMonitor = Fixture.monitor("")
            badMonitor.owner = ""
            try await checkThrows("ValidationError", { try await store.saveMonitor(badMonitor) }) {
                (($0 as? ValidationError)?.fields.count ?? 0) >= 2
            }
            try await checkThrows(.nameTaken("deploy-done")) { try await store.saveMonitor(Fixture.monitor("deploy-done")) }
            var progressed = monitor
            progressed.attempts = 3
            progressed.state = .succeeded
            progressed.lastResult = "200 OK"
            _ = try await store.saveMonitor(progressed)
            try check(try await store.monitors() == [progressed], "one monitor, updated in place")
            try check(try await store.deleteMonitor(id: monitor.id), "monitor deleted")
            try check(try await store.monitors().isEmpty, "no monitor left")

            let flow = try await store.saveWorkflow(Fixture.workflow("nightly"))
            try check(try await store.workflow(id: flow.id) == flow, "the workflow reads back")
            var badFlow = Fixture.workflow("broken")
            badFlow.steps = []
            try await checkThrows("ValidationError", { try await store.saveWorkflow(badFlow) }) { $0 is ValidationError }
            try await checkThrows(.nameTaken("nightly")) { try await store.saveWorkflow(Fixture.workflow("nightly")) }
            try check(try await store.workflows() == [flow], "only the valid workflow is stored")

            var first = WorkflowRun(id: PacerID.make(.workflowRun, at: Fixture.t0), workflowID: flow.id, startedAt: Fixture.at(0))
            _ = try await store.saveWorkflowRun(first)
            let second = try await store.saveWorkflowRun(
                WorkflowRun(id: PacerID.make(.workflowRun, at: Fixture.t0), workflowID: flow.id, startedAt: Fixture.at(60)))
            first.status = .succeeded
            first.finishedAt = Fixture.at(30)
            first.steps = [StepRecord(stepID: "fetch", kind: .http, status: .succeeded, output: "ok", startedAt: Fixture.at(1))]
            _ = try await store.saveWorkflowRun(first)
            try check(try await store.workflowRun(id: first.id) == first, "a workflow run is replaced by id")
            try check(try await store.workflowRuns(workflowID: flow.id, limit: 10).map(\.id) == [second.id, first.id],
                      "workflow runs, newest first")
            try check(try await store.workflowRuns(workflowID: flow.id, limit: 1).count == 1, "the limit holds")
            try check(try await store.deleteWorkflow(id: flow.id), "workflow deleted")
            try check(try await store.workflow(id: flow.id) == nil, "the workflow is gone")
        },
    ]
}
