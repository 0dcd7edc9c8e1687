import Foundation
import PacerCore
@testable import PacerEngine
import PacerStore
import Testing

/// The engine's state machine over its local runs, without a store or time passing.
@Suite struct LocalRunsTests {
    static let t0 = Date(timeIntervalSince1970: 100)

    func fire(_ id: String, _ schedule: String = "A", at seconds: Double = 0) -> Run {
        Run(id: id, scheduleID: schedule, scheduledAt: Date(timeIntervalSince1970: seconds), status: .held)
    }

    /// A run let through and executing until `deadline`.
    func execute(_ id: String, in table: inout LocalRuns, deadline: Date) {
        var run = fire(id)
        run.status = .running
        table.admit(run)
        _ = table.started(table.takeStartable(now: Self.t0), confirmed: []) { _ in deadline }
    }

    /// Every state reachable from two held fires of one schedule and a session wake-up of
    /// another, under every event the world can send (claims, instants, start marks written,
    /// refused or taken over, ends, timeouts, lost leases, cancels, deletes, finishes written
    /// or refused, drain and its deadline), for each overlap policy, with one slot and with two
    /// (about 15,000 to 21,000 states and 230,000 to 340,000 transitions each): no state
    /// breaks an invariant, and from every state a drain loses nothing (each run is written
    /// once, handed back, given up by the world's doing, or still queued in the store).
    @Test(arguments: zip([OverlapPolicy.skip, .allow, .bufferOne, .bufferOne, .cancelPrevious], [1, 2, 1, 2, 2]))
    func everyReachableState_keepsTheInvariants_andDrainsWithoutLoss(policy: OverlapPolicy, slots: Int) {
        let start = LocalRunsModel(maxConcurrent: slots, policy: policy)
        var seen: Set<String> = [start.fingerprint]
        var frontier = [start]
        var transitions = 0
        var executedSomewhere: Set<String> = []
        var reachedPhases: Set<LocalRuns.Phase> = []
        while let state = frontier.popLast() {
            var settled = state
            let lost = settled.settle()
            if !lost.isEmpty {
                Issue.record("settling \(state.fingerprint): \(lost)")
                return
            }
            for event in state.events {
                var next = state
                let problems = next.apply(event)
                transitions += 1
                if !problems.isEmpty {
                    Issue.record("\(event) from \(state.fingerprint): \(problems)")
                    return
                }
                executedSomewhere.formUnion(next.executed)
                reachedPhases.formUnion(next.table.runs.values.map(\.phase))
                if seen.insert(next.fingerprint).inserted { frontier.append(next) }
            }
            #expect(seen.count < 500_000, "the state space is bounded")
            if seen.count >= 500_000 { return }
        }
        // The exploration reached the phases and ends it is meant to cover.
        #expect(executedSomewhere == ["A0", "A1", "B0"])
        #expect(reachedPhases.isSuperset(of: [.held, .queued, .parked, .ready, .executing, .finishing]))
        if policy == .bufferOne { #expect(reachedPhases.contains(.buffered)) }
        #expect(transitions > seen.count)
    }

    @Test func aHeldFire_opensAtItsInstant_notBefore() {
        var table = LocalRuns(maxConcurrent: 2)
        var run = fire("r1")
        run.firesAt = Self.t0
        table.claimed(run)
        #expect(table.releaseDue(now: Self.t0.addingTimeInterval(-0.001)).isEmpty)
        #expect(table.nextDue() == Self.t0)
        #expect(table.releaseDue(now: Self.t0) == [.open(run)])
        #expect(table.phase(of: "r1") == .opening)
    }

    @Test func slots_areTakenEarliestScheduledFirst_upToMaxConcurrent() {
        var table = LocalRuns(maxConcurrent: 2)
        for (id, at) in [("late", 3.0), ("early", 1.0), ("middle", 2.0)] {
            var run = fire(id, id, at: at)
            run.status = .running
            table.admit(run)
        }
        #expect(table.freeSlots == 0)
        let batch = table.takeStartable(now: Self.t0)
        #expect(batch.map(\.id) == ["early", "middle"])
        let actions = table.started(batch, confirmed: []) { _ in Self.t0.addingTimeInterval(60) }
        #expect(actions.count == 2)
        #expect(table.takeStartable(now: Self.t0).isEmpty)
        _ = table.ended("early")
        #expect(table.takeStartable(now: Self.t0).map(\.id) == ["late"])
    }

    @Test func aHeldFireTakenOverBeforeItsStartMark_leavesItsSlot_andNeverExecutes() {
        var table = LocalRuns(maxConcurrent: 1)
        table.claimed(fire("r1"))
        _ = table.releaseDue(now: Self.t0)
        #expect(table.gate(fire("r1"), policy: .skip).isEmpty)
        let batch = table.takeStartable(now: Self.t0)
        #expect(table.started(batch, confirmed: []) { _ in Self.t0 }.isEmpty)
        #expect(table["r1"] == nil)
        #expect(table.activeBySchedule.isEmpty)
        #expect(table.freeSlots == 1)
    }

    @Test func bufferOne_waitsBehindTheRunningRun_thenBecomesReady() {
        var table = LocalRuns(maxConcurrent: 4)
        execute("r1", in: &table, deadline: Self.t0.addingTimeInterval(60))
        #expect(table.gate(fire("r2", at: 1), policy: .bufferOne).isEmpty)
        #expect(table.phase(of: "r2") == .buffered)
        if case .refuse(_, .skipped, _)? = table.gate(fire("r3", at: 2), policy: .bufferOne).first {} else {
            Issue.record("a second buffered fire is skipped")
        }
        _ = table.ended("r1")
        #expect(table.phase(of: "r2") == .ready)
    }

    @Test func cancelPrevious_cancelsTheRunningRun_withItsReason() {
        var table = LocalRuns(maxConcurrent: 4)
        execute("r1", in: &table, deadline: Self.t0.addingTimeInterval(60))
        #expect(table.gate(fire("r2", at: 1), policy: .cancelPrevious) == [.cancel(runID: "r1")])
        #expect(table.ended("r1")?.cancelReason?.contains("cancel_previous") == true)
    }

    @Test func aTimeout_cancelsOnce_andTheEndSaysTimedOut() {
        var table = LocalRuns(maxConcurrent: 1)
        execute("r1", in: &table, deadline: Self.t0.addingTimeInterval(30))
        #expect(table.earliestTimeout() == Self.t0.addingTimeInterval(30))
        #expect(table.expire(now: Self.t0.addingTimeInterval(29)).isEmpty)
        #expect(table.expire(now: Self.t0.addingTimeInterval(30)) == [.cancel(runID: "r1")])
        #expect(table.expire(now: Self.t0.addingTimeInterval(31)).isEmpty)
        #expect(table.stuck(now: Self.t0.addingTimeInterval(100), grace: 60) == ["r1"])
        #expect(table.ended("r1")?.timedOut == true)
    }

    @Test func aSessionWakeUp_movedEarlier_isDueAtItsNewInstant() {
        var table = LocalRuns(maxConcurrent: 1)
        var wake = Run(id: "w", scheduleID: "B", scheduledAt: Self.t0, firesAt: Self.t0.addingTimeInterval(3600), trigger: .resume)
        table.queued(wake)
        #expect(table.wantsQueued("w"))
        wake.firesAt = Self.t0
        table.queued(wake)
        #expect(table.takeDueQueued(now: Self.t0)?.run.firesAt == Self.t0)
        #expect(table.takeDueQueued(now: Self.t0.addingTimeInterval(7200)) == nil, "the older instant is stale")
    }

    @Test func finishesNotWritten_areWrittenFirst_afterTheirRetryInstant() {
        var table = LocalRuns(maxConcurrent: 1)
        for id in ["a", "b", "c"] {
            table.queueFinish(PendingFinish(finish: RunFinish(id: id, status: .skipped, at: Self.t0), run: fire(id), outcome: nil))
        }
        let first = table.takeFinishes(limit: 2, now: Self.t0).map(\.finish.id)
        #expect(first == ["a", "b"])
        table.finishDone("a")
        table.finishesUnwritten(["b"], retryAt: Self.t0.addingTimeInterval(1))
        #expect(table.takeFinishes(limit: 2, now: Self.t0).isEmpty)
        #expect(table.takeFinishes(limit: 2, now: Self.t0.addingTimeInterval(1)).map(\.finish.id) == ["b", "c"])
        #expect(table.leasedIDs.sorted() == ["b", "c"], "runs whose finish is unwritten keep their leases")
    }
}
