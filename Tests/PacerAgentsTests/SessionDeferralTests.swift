import Foundation
@testable import PacerAgents
import PacerCore
import Testing

/// What a pacing effect writes on its session, wherever the tool was called.
@Suite struct SessionDeferralTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aWaitingSession_waitsForTheWakeUp() {
        let wake = at.addingTimeInterval(3600)
        #expect(SessionDeferral.write(for: .resume(at: wake, prompt: "go on"), drivenByARun: false, at: at)
                == .init(state: .waiting, resumeAt: wake, resumePrompt: "go on", recurrence: nil))
        let r = SessionRecurrence(everySeconds: 600, maxRuns: 3, prompt: "tick", startedAt: at.addingTimeInterval(600))
        #expect(SessionDeferral.write(for: .recurring(r), drivenByARun: false, at: at)
                == .init(state: .waiting, resumeAt: r.startedAt, resumePrompt: nil, recurrence: r))
    }

    @Test func aSessionARunDrives_keepsRunning_withTheDeferralAsItsRecurrence() {
        let wake = at.addingTimeInterval(90)
        let write = SessionDeferral.write(for: .resume(at: wake, prompt: "later"), drivenByARun: true, at: at)
        #expect(write?.state == .running && write?.resumeAt == nil)
        #expect(write?.recurrence == SessionRecurrence(everySeconds: 90, maxRuns: 1, prompt: "later", startedAt: wake))
        let soon = SessionDeferral.write(for: .resume(at: at.addingTimeInterval(5), prompt: "p"), drivenByARun: true, at: at)
        #expect(soon?.recurrence?.everySeconds == 60, "at least a minute apart")
    }

    @Test func aCapBreach_isNoDeferral() {
        let breach = CapBreach(cap: "max_resumes", observed: 2, limit: 1)
        #expect(SessionDeferral.write(for: .capExceeded(breach), drivenByARun: false, at: at) == nil)
    }
}
