/// The `/metrics` exposition: the registry's text with a `# HELP` line before each family's
/// `# TYPE` line (swift-metrics gives Prometheus no help text of its own).
enum MetricsText {
    /// What each family counts or measures.
    static let help: [String: String] = [
        "pacer_fires_total": "Fires claimed by this process.",
        "pacer_misfires_total": "Fires found late beyond their misfire grace.",
        "pacer_fires_missed_total": "Fires dropped by the misfire policy, by reason (late, catchup_limit).",
        "pacer_fire_lateness_seconds": "How long after its instant a run started.",
        "pacer_run_duration_seconds": "How long a run's target took.",
        "pacer_runs_in_flight": "Runs executing now in this process.",
        "pacer_runs_finished_total": "Runs finished by this process, by final status.",
        "pacer_agent_tokens_total": "Model tokens used by agent sessions, by direction.",
        "pacer_agent_cost_total": "Estimated cost of agent sessions' model calls.",
        "pacer_agent_model_calls_total": "Model calls made by agent sessions, by result.",
    ]

    /// `text` with the help lines added.
    static func withHelp(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 1024)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
               let help = help[String(name)] {
                out += "# HELP \(name) \(help)\n"
            }
            out += line
            out += "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}
