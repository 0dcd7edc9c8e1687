import Foundation
import PacerCore

/// How a session reads for an operator auditing it: a header, the transcript with every tool
/// call and result, the events and the chain of earlier sessions.
enum SessionText {
    /// Model calls made: the assistant turns.
    static func turns(_ s: Session) -> Int {
        s.messages.filter { $0.role == .assistant }.count
    }

    /// A cost with 4 decimals: `0.0123`.
    static func cost(_ value: Double) -> String {
        String(format: "%.4f", value)
    }

    /// The whole readable session.
    /// - Parameters:
    ///   - s: the session.
    ///   - names: agent and schedule names.
    ///   - chain: earlier sessions of the same (schedule, item key), newest first.
    ///   - now: for the distance to the wake-up.
    static func show(_ s: Session, names: SessionNames, chain: [Session], now: Date) -> String {
        var out = header(s, names: names, now: now)
        out += "\nTranscript:\n" + transcript(s)
        out += "\nEvents:\n"
        if s.events.isEmpty { out += "  (none)\n" }
        for e in s.events {
            let detail = e.detail.keys.sorted().map { "\($0)=\(e.detail[$0]!.text)" }.joined(separator: " ")
            out += "  \(ScheduleText.local(e.at))  \(e.kind.rawValue)" + (detail.isEmpty ? "" : "  " + Table.oneLine(detail)) + "\n"
        }
        if s.scheduleID != nil {
            out += "\nChain (earlier sessions of this schedule and item, newest first):\n"
            if chain.isEmpty { out += "  (none: this is the first)\n" }
            var table = Table("  ID", "STATE", "CREATED", "COST", "LINK")
            for c in chain {
                table.add(["  " + c.id, c.state.rawValue, ScheduleText.local(c.createdAt), cost(c.cost),
                           c.id == s.previousSessionID ? "<- previous_session_id" : ""])
            }
            if !chain.isEmpty { out += table.text }
        }
        return out
    }

    static func header(_ s: Session, names: SessionNames, now: Date) -> String {
        var lines: [(String, String)] = [("Session", s.id), ("State", s.state.rawValue)]
        lines.append(("Agent", names.agents[s.agentID].map { "\($0) (\(s.agentID))" } ?? "\(s.agentID) (deleted)"))
        if let id = s.scheduleID {
            lines.append(("Schedule", names.schedules[id].map { "\($0) (\(id))" } ?? "\(id) (deleted)"))
        }
        if let key = s.itemKey { lines.append(("Item", key)) }
        lines.append(("Created", ScheduleText.local(s.createdAt)))
        lines.append(("Updated", ScheduleText.local(s.updatedAt)))
        if let at = s.resumeAt { lines.append(("Resumes at", ScheduleText.localWithDistance(at, now: now))) }
        if let prompt = s.resumePrompt { lines.append(("Resume prompt", Table.excerpt(prompt, limit: 200))) }
        if let r = s.recurrence {
            var text = "every \(DurationText.human(Double(r.everySeconds)))"
            if let until = r.until { text += ", until \(ScheduleText.local(until))" }
            if let max = r.maxRuns { text += ", max_runs \(max)" }
            text += ", runs_done \(r.runsDone), prompt \(Table.excerpt(r.prompt))"
            lines.append(("Recurrence", text))
        }
        lines.append(("Turns", String(turns(s))))
        lines.append(("Tokens", "\(s.inputTokens) in, \(s.outputTokens) out, \(s.totalTokens) total"))
        lines.append(("Cost", cost(s.cost)))
        lines.append(("Previous", s.previousSessionID ?? "-"))
        let width = lines.map(\.0.count).max()! + 3
        return lines.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n") + "\n"
    }

    /// Each message in order; an assistant's tool calls under it; a tool result with its
    /// duration and error flag from the tool log. Tool log entries that no message answers
    /// are listed after.
    static func transcript(_ s: Session) -> String {
        if s.messages.isEmpty && s.toolLog.isEmpty { return "  (no messages)\n" }
        var out = ""
        var used = Set<Int>()
        for m in s.messages {
            switch m.role {
            case .tool:
                let index = s.toolLog.indices.first { !used.contains($0) && m.toolCallID != nil && s.toolLog[$0].callID == m.toolCallID }
                if let index { used.insert(index) }
                let log = index.map { s.toolLog[$0] }
                var head = "tool result"
                if let log { head += " \(log.name)" }
                if let id = m.toolCallID { head += " [\(id)]" }
                if let log { head += " (\(log.isError ? "error" : "ok"), \(log.durationMs)ms)" }
                out += block("  \(head): ", m.text ?? log?.output ?? "")
            case .assistant:
                if let text = m.text, !text.isEmpty || m.toolCalls.isEmpty { out += block("  assistant: ", text) }
                for call in m.toolCalls {
                    out += block("    -> tool call \(call.name) [\(call.id)]: ", call.arguments)
                }
            default:
                out += block("  \(m.role.rawValue): ", m.text ?? "")
            }
        }
        let unanswered = s.toolLog.indices.filter { !used.contains($0) }
        if !unanswered.isEmpty {
            out += "  tool log entries no message answers:\n"
            for i in unanswered {
                let t = s.toolLog[i]
                out += block("    \(t.name)" + (t.callID.map { " [\($0)]" } ?? "")
                             + " (\(t.isError ? "error" : "ok"), \(t.durationMs)ms) args \(Table.excerpt(t.arguments, limit: 200)): ", t.output)
            }
        }
        return out
    }

    /// `head` then the text; later lines of the text indented under the head's indentation.
    static func block(_ head: String, _ text: String) -> String {
        let indent = String(repeating: " ", count: head.prefix { $0 == " " }.count + 4)
        let lines = text.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first else { return head.trimmingCharacters(in: .init(charactersIn: " ")) + "\n" }
        return head + first + "\n" + lines.dropFirst().map { indent + $0 + "\n" }.joined()
    }
}
