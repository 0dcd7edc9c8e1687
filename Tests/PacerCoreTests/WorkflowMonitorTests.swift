import Foundation
import Testing
@testable import PacerCore

@Suite struct WorkflowMonitorTests {
    func workflow() -> Workflow {
        let fetch = WorkflowStep(id: "fetch", .http(HTTPTarget(url: "https://ci.test/status")))
        let summarize = WorkflowStep(id: "summarize", .agent(AgentTarget(agent: "researcher", prompt: "Summarize {{output}}")))
        let retry = WorkflowStep(id: "poll", .loop(LoopStep(steps: [fetch], until: .jsonPath(JSONPathTest(path: "$.state", value: "done")), maxIterations: 5)))
        let route = WorkflowStep(id: "route", .router(RouterStep(
            branches: [RouterBranch(name: "red", when: .any([.contains("FAIL"), .matches("error \\d+")]), steps: [summarize])],
            otherwise: [WorkflowStep(id: "noop", .command(CommandTarget(argv: ["true"])))])))
        let check = WorkflowStep(id: "check", .condition(ConditionStep(
            if: .not(.equals("ok")), then: [WorkflowStep(id: "both", .parallel([
                WorkflowStep(id: "a", .command(CommandTarget(argv: ["echo", "a"]))),
                WorkflowStep(id: "b", .command(CommandTarget(argv: ["echo", "b"]))),
            ]))])))
        return Workflow(id: "wf_1", name: "CI watch", owner: "user:ada", steps: [retry, route, check], createdAt: t0)
    }

    @Test func workflow_roundTrips_andIsValid() throws {
        let w = workflow()
        let text = try json(w)
        #expect(try decode(Workflow.self, text) == w)
        #expect(w.validate() == [])
        #expect(text.contains(#""kind":"json_path""#))
        #expect(text.contains(#""max_iterations":5"#))
        #expect(w.steps.flatMap(\.allSteps).map(\.id) == ["poll", "fetch", "route", "summarize", "noop", "check", "both", "a", "b"])
    }

    @Test func workflow_reportsAllErrors_withNestedPaths() {
        var w = workflow()
        w.name = ""
        w.steps.append(WorkflowStep(id: "fetch", .sequence([])))
        w.steps.append(WorkflowStep(id: "bad", .condition(ConditionStep(if: .all([.matches("(unclosed"), .jsonPath(JSONPathTest(path: "status"))]),
                                                                        then: [WorkflowStep(id: "x", .http(HTTPTarget(url: "nope")))]))))
        w.steps.append(WorkflowStep(id: "r", .router(RouterStep(branches: [RouterBranch(name: "b", steps: [WorkflowStep(id: "y", .command(CommandTarget(argv: ["true"])))])]))))
        #expect(Set(w.validate().map(\.field)) == [
            "name", "steps[3].steps", "steps", "steps[4].if.conditions[0].pattern", "steps[4].if.conditions[1].path",
            "steps[4].then[0].url", "steps[5].branches[0].when",
        ])
        #expect(w.validate().contains(FieldError(field: "steps", message: "step id 'fetch' is used more than once")))
    }

    @Test func conditions_evaluateOnOutput() {
        #expect(Condition.contains("FAIL").evaluate("2 FAILED"))
        #expect(Condition.equals("ok").evaluate(" ok\n"))
        #expect(Condition.matches("error \\d+").evaluate("got error 42"))
        #expect(!Condition.matches("error \\d+").evaluate("got error x"))
        #expect(Condition.jsonPath(JSONPathTest(path: "$.n", op: .gte, value: 3)).evaluate(#"{"n": 3}"#))
        #expect(!Condition.jsonPath(JSONPathTest(path: "$.n", op: .gt, value: 3)).evaluate(#"{"n": 3}"#))
        #expect(!Condition.jsonPath(JSONPathTest(path: "$.n", op: .exists)).evaluate("not json"))
        #expect(Condition.all([.contains("a"), .not(.contains("z"))]).evaluate("abc"))
        #expect(!Condition.any([.contains("x"), .contains("y")]).evaluate("abc"))
    }

    @Test func workflowRun_recordsSteps() throws {
        let run = WorkflowRun(id: "wfr_1", workflowID: "wf_1", runID: "run_1", status: .succeeded,
                              steps: [StepRecord(stepID: "fetch", kind: .http, iteration: 2, status: .succeeded, input: "", output: "{}",
                                                 startedAt: t0, finishedAt: t0.addingTimeInterval(1))],
                              startedAt: t0, finishedAt: t0.addingTimeInterval(2))
        let text = try json(run)
        #expect(try decode(WorkflowRun.self, text) == run)
        #expect(try keys(in: text) == ["id", "workflow_id", "run_id", "status", "steps", "step_id", "kind", "iteration", "input", "output",
                                        "started_at", "finished_at"])
    }

    @Test func monitor_defaults_roundTrip_andValidation() throws {
        let spec = try decode(MonitorSpec.self, #"{"check": {"kind": "poll_url", "url": "https://ci.test/job/1"}}"#)
        #expect(spec.intervalSeconds == 30)
        #expect(spec.maxAttempts == 120)
        #expect(spec.onComplete == .notify)
        #expect(spec.check == .pollURL(PollURL(method: "GET", url: "https://ci.test/job/1", expectedStatus: 200)))

        var m = Monitor(id: "mon_1", name: "deploy", owner: "agent:agt_1",
                        spec: MonitorSpec(check: .pollTool(PollTool(server: "ci", tool: "job_status", arguments: ["id": 1],
                                                                    successField: "state", successValues: ["done"])),
                                          onSuccessMessage: "Deployed: {result}", onComplete: .resumeConversation),
                        workflowID: "wf_1", sessionID: "ses_1", createdAt: t0)
        #expect(m.validate() == [])
        let text = try json(m)
        #expect(try decode(Monitor.self, text) == m)
        #expect(try keys(in: text).isSuperset(of: ["interval_seconds", "max_attempts", "on_success_message", "on_complete", "success_field",
                                                    "success_values", "workflow_id", "session_id", "next_check_at"]))
        #expect(text.contains(#""on_complete":"resume_conversation""#))

        m.spec = MonitorSpec(check: .delay(seconds: 0), intervalSeconds: 0, maxAttempts: 0)
        m.owner = ""
        #expect(Set(m.validate().map(\.field)) == ["owner", "spec.check.seconds", "spec.interval_seconds", "spec.max_attempts"])
        #expect(throws: DecodingError.self) { try decode(MonitorSpec.self, #"{"check": {"kind": "poll_dns"}}"#) }
    }
}
