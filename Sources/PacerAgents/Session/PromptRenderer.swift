import Foundation
import PacerCore

/// Renders a schedule's prompt template for a session.
///
/// Variables: `schedule` (id, name), `agent` (id, name, model), `now` (RFC 3339), `today`
/// (the date in the schedule's zone), `run` (id, attempt, trigger, scheduled_at, fires_at,
/// item_key), `item`, `items`, and `previous_session` (id, state, created_at, last_text,
/// tool_log: name, arguments, output) when the chain has one that said or did something (one
/// that ended with no text and no tool call is left out, so `{{#previous_session}}` sections
/// do not render around nothing). A template that fails to
/// compile falls back to the raw text with a `prompt_render_error` event.
public enum PromptRenderer {
    /// The template's values.
    /// - Parameters:
    ///   - request: the run request.
    ///   - agent: the agent.
    ///   - previous: the previous session of the chain.
    ///   - now: the instant.
    public static func context(_ request: RunRequest, agent: Agent, previous: Session?, now: Date) -> [String: Any] {
        var context = request.templateContext
        context["agent"] = ["id": agent.id, "name": agent.name, "model": agent.model]
        context["now"] = PacerJSON.format(now)
        context["today"] = today(now, zone: request.schedule.timing.timezone)
        if let previous, !(previous.lastText ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !previous.toolLog.isEmpty {
            context["previous_session"] = [
                "id": previous.id, "state": previous.state.rawValue, "created_at": PacerJSON.format(previous.createdAt),
                "last_text": previous.lastText ?? "",
                "tool_log": previous.toolLog.map { ["name": $0.name, "arguments": $0.arguments, "output": $0.output] },
            ] as [String: Any]
        }
        return context
    }

    /// The prompt, and the event to record when the template could not be rendered.
    /// - Parameters:
    ///   - template: the template text.
    ///   - context: the values.
    ///   - now: the instant of the event.
    public static func render(_ template: String, context: [String: Any], now: Date) -> (String, SessionEvent?) {
        do {
            return (try Template(template).render(context), nil)
        } catch {
            return (template, SessionEvent(at: now, kind: .promptRenderError,
                                           detail: ["error": .string(error.message), "fallback": "raw prompt"]))
        }
    }

    /// `YYYY-MM-DD` of an instant in a zone (UTC when the zone is unknown).
    static func today(_ now: Date, zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
