import Foundation
import PacerCore
import PacerStore

extension StoreConformance {
    static let pageCases: [ConformanceCase] = [
        ConformanceCase("runPages_walkEveryRunOnce_newestFirst_filtered") { store in
            let a = try await store.createSchedule(Fixture.schedule("a"), author: "a")
            let b = try await store.createSchedule(Fixture.schedule("b"), author: "a")
            var expected: [Run] = []
            for i in 0..<7 {
                // Two runs share each instant, so the id orders them.
                expected.append(try await store.insertRun(Fixture.run(a.id, at: Double(i * 60), status: i % 2 == 0 ? .queued : .skipped)))
                expected.append(try await store.insertRun(Fixture.run(b.id, at: Double(i * 60))))
            }
            expected.sort { ($0.scheduledAt, $0.id) > ($1.scheduledAt, $1.id) }
            var seen: [Run] = [], after: ListCursor? = nil
            while true {
                let page = try await store.runs(RunQuery(after: after, limit: 3))
                seen += page
                guard page.count == 3, let last = page.last else { break }
                after = ListCursor(after: last.scheduledAt, id: last.id)
            }
            try check(seen.map(\.id) == expected.map(\.id), "pages of 3 list all 14 runs once, newest first: \(seen.map(\.id))")
            let skipped = try await store.runs(RunQuery(scheduleID: a.id, status: .skipped, limit: 100))
            try check(skipped.map(\.id) == expected.filter { $0.scheduleID == a.id && $0.status == .skipped }.map(\.id),
                      "filtered by schedule and status in the query: \(skipped.map(\.id))")
        },
        ConformanceCase("sessionPages_walkEverySessionOnce_newestFirst_filteredByState") { store in
            var expected: [Session] = []
            for i in 0..<5 {
                var s = Fixture.session(at: Double(i / 2))  // pairs share an instant
                if i == 3 { s.state = .waiting }
                expected.append(try await store.createSession(s))
            }
            expected.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            var seen: [Session] = [], after: ListCursor? = nil
            while true {
                let page = try await store.sessions(SessionQuery(after: after, limit: 2))
                seen += page
                guard page.count == 2, let last = page.last else { break }
                after = ListCursor(after: last.createdAt, id: last.id)
            }
            try check(seen.map(\.id) == expected.map(\.id), "pages of 2 list all 5 sessions once, newest first")
            let waiting = try await store.sessions(SessionQuery(state: .waiting, limit: 10))
            try check(waiting.map(\.id) == expected.filter { $0.state == .waiting }.map(\.id), "filtered by state: \(waiting.map(\.id))")
        },
    ]
}
