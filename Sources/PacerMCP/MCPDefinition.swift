import Foundation
import PacerCore
import PacerOperations
import PacerStore

/// The rule a tool that reads one (`preview_schedule`) is given: `rule` or a shorthand.
/// Definitions themselves are read by ``PacerOperations/ScheduleInput``, as every surface does.
enum MCPDefinition {
    /// The rule: `rule`, or one of the shorthands every surface takes (`cron`, `every`, `at`),
    /// read as the API reads them. A `rule` that is an RFC 3339 instant alone means one fire
    /// at that instant.
    /// - Parameter now: when given, a one-shot instant before it is refused.
    static func rule(_ args: MCPArguments, required: Bool, now: Date? = nil) throws(MCPToolError) -> String? {
        let given = RuleShorthand.allCases.filter { args.has($0.rawValue) }
        if given.count > 1 {
            throw MCPToolError(field: given[1].rawValue, "give only one of rule, cron, every and at")
        }
        guard let shorthand = given.first else {
            if required { throw MCPToolError(field: "rule", "is required: give rule (or cron, every or at)") }
            return nil
        }
        let text = try args.string(shorthand.rawValue, required: true, max: 1000)!
        let oneShot = shorthand == .rule && PacerJSON.parse(text.trimmingCharacters(in: .whitespaces)) != nil
        do {
            return try (oneShot ? RuleShorthand.at : shorthand).rule(text, now: now)
        } catch {
            throw MCPToolError(field: shorthand.rawValue, error.message)
        }
    }
}
