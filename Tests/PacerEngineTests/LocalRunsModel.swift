import Foundation
import PacerCore
@testable import PacerEngine
import PacerStore

/// A model of the engine around ``LocalRuns``: it applies one event, carries out the actions
/// the way the engine does, and records what happened to every run (executed, written, handed
/// back, given up), so that every reachable state can be checked. Time never passes: every
/// run is due at `now`.
struct LocalRunsModel {
    /// One step the world can take.
    enum Event: Hashable, CustomStringConvertible {
        case claim(Int), queue(Int), move(Int)
        case release, releaseRefused
        case promote, promoteVanished, promoteFailed, park, unpark
        case takeStart, startAll, startNoneConfirmed, startFailed
        case end(Int), expire, leaseLost(Int), finishedElsewhere(Int), deleteSchedule
        case flush, flushFailed
        case drain, drainDeadline

        var description: String { "\(self)" }
    }

    static let now = Date(timeIntervalSince1970: 100)

    /// The runs of the scenario: fires held by claims, and runs queued in the store.
    let fires: [Run]
    let queuedRuns: [Run]
    let policy: OverlapPolicy
    var table: LocalRuns
    var introduced: Set<String> = []
    var executed: Set<String> = []
    var written: Set<String> = []
    var handedBack: Set<String> = []
    /// Runs that left this process by the world's doing (another process took them).
    var givenUp: Set<String> = []
    var draining = false
    var deleted = false
    var moved: Set<String> = []
    /// Runs taken into slots whose start marks are being written (the engine awaits the store).
    var startingBatch: [Run]?

    init(maxConcurrent: Int, policy: OverlapPolicy) {
        self.policy = policy
        table = LocalRuns(maxConcurrent: maxConcurrent)
        fires = (0..<2).map { i in
            Run(id: "A\(i)", scheduleID: "A", scheduledAt: Date(timeIntervalSince1970: Double(i)), status: .held)
        }
        var wake = Run(id: "B0", scheduleID: "B", scheduledAt: Date(timeIntervalSince1970: 5), trigger: .resume)
        wake.step = 1
        queuedRuns = [wake]
    }

    var all: [Run] { fires + queuedRuns }

    /// Every event possible in this state.
    var events: [Event] {
        var list: [Event] = []
        if !draining {
            list += fires.indices.filter { !introduced.contains(fires[$0].id) }.map(Event.claim)
            list += [.release, .releaseRefused, .promote, .promoteVanished, .promoteFailed, .park, .unpark]
            list += startingBatch == nil ? [.takeStart, .drain] : [.startAll, .startNoneConfirmed, .startFailed]
        }
        list += queuedRuns.indices.filter { !introduced.contains(queuedRuns[$0].id) }.map(Event.queue)
        // The store says again that a wake-up waiting here is queued, at a moved instant.
        list += queuedRuns.indices.filter {
            [.queued, .parked].contains(table.phase(of: queuedRuns[$0].id)) && !moved.contains(queuedRuns[$0].id)
        }.map(Event.move)
        list += all.indices.filter { table.phase(of: all[$0].id) == .executing }.map(Event.end)
        list += all.indices.filter { table[all[$0].id] != nil }.flatMap { [Event.leaseLost($0), .finishedElsewhere($0)] }
        list += [.expire, .flush, .flushFailed]
        if !deleted { list.append(.deleteSchedule) }
        if draining { list.append(.drainDeadline) }
        return list
    }

    /// Applies one event; returns the violations it produced.
    mutating func apply(_ event: Event) -> [String] {
        var problems: [String] = []
        let now = Self.now
        switch event {
        case .claim(let i):
            introduced.insert(fires[i].id)
            table.claimed(fires[i])
        case .queue(let i):
            introduced.insert(queuedRuns[i].id)
            table.queued(queuedRuns[i])
        case .move(let i):
            var run = queuedRuns[i]
            run.firesAt = run.firesAt.addingTimeInterval(1)
            moved.insert(run.id)
            table.queued(run)
        case .release, .releaseRefused:
            for action in table.releaseDue(now: now) {
                guard case .open(let run) = action else { problems.append("release gave \(action)"); continue }
                if event == .releaseRefused || deleted {
                    refuse(run, .skipped)
                } else {
                    problems += carry(table.gate(run, policy: policy))
                }
            }
        case .promote:
            if let taken = table.takeDueQueued(now: now) {
                var run = taken.run
                run.status = .running
                table.promoted(run)
                table.admit(run)
            }
        case .promoteVanished:
            if let taken = table.takeDueQueued(now: now) {
                table.vanished(taken.run.id)
                givenUp.insert(taken.run.id)
            }
        case .promoteFailed:
            if let taken = table.takeDueQueued(now: now) { table.requeue(taken.run, due: now) }
        case .park:
            if let taken = table.takeDueQueued(now: now) { table.park(taken.run) }
        case .unpark:
            if !deleted { table.unpark(scheduleID: "B") }
        case .takeStart:
            startingBatch = table.takeStartable(now: now)
        case .startAll, .startNoneConfirmed:
            let batch = startingBatch ?? []
            startingBatch = nil
            let confirmed = event == .startAll ? Set(batch.map(\.id)) : []
            for run in batch where run.status == .held && !confirmed.contains(run.id) { givenUp.insert(run.id) }
            problems += carry(table.started(batch, confirmed: confirmed) { _ in now.addingTimeInterval(-1) })
        case .startFailed:
            table.startFailed(startingBatch ?? [], retryAt: now)
            startingBatch = nil
        case .end(let i):
            let run = all[i]
            guard table.ended(run.id) != nil else { return ["\(run.id) could not end"] }
            table.queueFinish(PendingFinish(finish: RunFinish(id: run.id, status: .succeeded, at: now), run: run,
                                            outcome: .succeeded(output: nil)))
        case .expire:
            problems += carry(table.expire(now: now))
        case .leaseLost(let i):
            let id = all[i].id
            let phase = table.phase(of: id)
            problems += carry(table.leaseLost(id))
            if phase == .buffered { givenUp.insert(id) }
        case .finishedElsewhere(let i):
            let id = all[i].id
            if table[id]?.promoted == true, [.ready, .buffered, .starting].contains(table.phase(of: id)) { givenUp.insert(id) }
            problems += carry(table.cancel(id, reason: "finished elsewhere"))
        case .deleteSchedule:
            deleted = true
            for local in table.runs.values where local.phase == .parked { givenUp.insert(local.run.id) }
            problems += carry(table.scheduleDeleted("A"))
            problems += carry(table.scheduleDeleted("B"))
        case .flush:
            for pending in table.takeFinishes(limit: 2, now: now) {
                if written.contains(pending.finish.id) { problems.append("\(pending.finish.id) written twice") }
                written.insert(pending.finish.id)
                table.finishDone(pending.finish.id)
            }
        case .flushFailed:
            let batch = table.takeFinishes(limit: 2, now: now)
            table.finishesUnwritten(batch.map(\.finish.id), retryAt: now)
        case .drain:
            draining = true
            for run in table.drain() {
                if handedBack.contains(run.id) { problems.append("\(run.id) handed back twice") }
                handedBack.insert(run.id)
            }
        case .drainDeadline:
            problems += carry(table.cancelAll(reason: "drain"))
        }
        return problems + invariantProblems()
    }

    /// Carries actions out as the engine does.
    mutating func carry(_ actions: [LocalRuns.Action]) -> [String] {
        var problems: [String] = []
        for action in actions {
            switch action {
            case .open(let run):
                problems.append("\(run.id) opened outside a release")
            case .execute(let run):
                if executed.contains(run.id) { problems.append("\(run.id) executed twice") }
                if givenUp.contains(run.id) { problems.append("\(run.id) executed after it was given up") }
                if run.status != .running { problems.append("\(run.id) executed as \(run.status)") }
                executed.insert(run.id)
            case .cancel(let id):
                if table.phase(of: id) != .executing { problems.append("cancel of \(id), which is not executing") }
            case .refuse(let run, let status, _):
                refuse(run, status)
            }
        }
        return problems
    }

    mutating func refuse(_ run: Run, _ status: Run.Status) {
        table.queueFinish(PendingFinish(finish: RunFinish(id: run.id, status: status, at: Self.now), run: run, outcome: nil))
    }

    /// What must hold in every state.
    func invariantProblems() -> [String] {
        var problems: [String] = []
        let runs = table.runs.values
        for phase in LocalRuns.Phase.allCases where table.counts[phase, default: 0] != runs.filter({ $0.phase == phase }).count {
            problems.append("count of \(phase) is \(table.counts[phase, default: 0])")
        }
        if table.executingCount + table.startingCount > table.maxConcurrent { problems.append("more slots than max_concurrent") }
        for schedule in ["A", "B"] {
            let active = runs.filter { $0.run.scheduleID == schedule && [.ready, .starting, .executing].contains($0.phase) }.count
            if table.activeBySchedule[schedule, default: 0] != active {
                problems.append("active of \(schedule) is \(table.activeBySchedule[schedule, default: 0]), not \(active)")
            }
        }
        for local in runs where local.phase == .buffered {
            if table.buffered[local.run.scheduleID] != local.run.id { problems.append("\(local.run.id) buffered but not listed") }
        }
        for (schedule, id) in table.buffered {
            if table.phase(of: id) != .buffered { problems.append("\(id) listed as buffered, is \(String(describing: table.phase(of: id)))") }
            if table.activeBySchedule[schedule, default: 0] == 0 { problems.append("\(id) buffered behind nothing") }
        }
        let heaps = table.validHeapIDs()
        for local in runs {
            let id = local.run.id
            switch local.phase {
            case .held where !heaps.held.contains(id): problems.append("\(id) held with no heap entry")
            case .queued where !heaps.queued.contains(id): problems.append("\(id) queued with no heap entry")
            case .ready where !heaps.ready.contains(id): problems.append("\(id) ready with no heap entry")
            case .parked where table.parked[local.run.scheduleID]?.contains(id) != true: problems.append("\(id) parked, unlisted")
            case .starting where startingBatch?.contains(where: { $0.id == id }) != true:
                problems.append("\(id) starting outside a batch")
            case .opening: problems.append("\(id) left \(local.phase) between events")
            case .finishing where local.finish == nil: problems.append("\(id) finishing without a finish")
            default: break
            }
        }
        let finishing = Set(runs.filter { $0.phase == .finishing }.map(\.run.id))
        if Set(table.finishOrder) != finishing || table.finishOrder.count != finishing.count {
            problems.append("finish order \(table.finishOrder) is not the finishing runs \(finishing.sorted())")
        }
        return problems
    }

    /// Ends the model as a draining engine does: drain, the deadline, every run ended, every
    /// finish written. Returns what was lost or kept.
    mutating func settle() -> [String] {
        var problems: [String] = []
        if startingBatch != nil { problems += apply(.startAll) }
        if !draining { problems += apply(.drain) }
        problems += apply(.drainDeadline)
        for i in all.indices where table.phase(of: all[i].id) == .executing { problems += apply(.end(i)) }
        var rounds = 0
        while table.hasFinishes, rounds < 10 {
            problems += apply(.flush)
            rounds += 1
        }
        // Queued and parked runs stay in the store as queued: the next process starts them.
        let left = table.runs.values.filter { ![.queued, .parked].contains($0.phase) }
        if !left.isEmpty { problems.append("left after settling: \(left.map { "\($0.run.id) \($0.phase)" })") }
        let inStore = Set(table.runs.keys)
        for id in introduced {
            let fates = [written.contains(id), handedBack.contains(id), givenUp.contains(id), inStore.contains(id)]
            if fates.filter({ $0 }).count != 1 { problems.append("\(id) has fates \(fates) (written, handed back, given up, queued)") }
        }
        return problems
    }

    /// The state, for telling states apart.
    var fingerprint: String {
        func flag(_ b: Bool) -> String { b ? "1" : "0" }
        var parts: [String] = []
        for l in table.runs.values.sorted(by: { $0.run.id < $1.run.id }) {
            parts.append(l.run.id + ":" + l.phase.rawValue + flag(l.promoted) + flag(l.dropped) + flag(l.timedOut)
                         + flag(l.cancelReason != nil) + flag(l.finish != nil) + flag(l.due <= Self.now) + String(l.run.firesAt.timeIntervalSince1970)
                         + l.run.status.rawValue)
        }
        let heaps = table.validHeapIDs()
        parts.append(table.activeBySchedule.sorted { $0.key < $1.key }.map { $0.key + String($0.value) }.joined())
        parts.append(table.buffered.sorted { $0.key < $1.key }.map { $0.key + $0.value }.joined())
        parts.append(table.finishOrder.joined(separator: ","))
        parts.append(heaps.held.sorted().joined() + "/" + heaps.queued.sorted().joined() + "/" + heaps.ready.sorted().joined())
        for set in [introduced, executed, written, handedBack, givenUp, moved] { parts.append(set.sorted().joined(separator: ",")) }
        parts.append(flag(draining) + flag(deleted) + (startingBatch.map { $0.map(\.id).joined(separator: ",") } ?? "-"))
        return parts.joined(separator: "|")
    }
}
