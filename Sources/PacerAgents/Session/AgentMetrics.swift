import Metrics

/// Agent usage for `/metrics`: model calls by outcome, tokens by direction, and cost.
struct AgentMetrics: Sendable {
    static let shared = AgentMetrics()

    private let inputTokens = Counter(label: "pacer_agent_tokens_total", dimensions: [("direction", "input")])
    private let outputTokens = Counter(label: "pacer_agent_tokens_total", dimensions: [("direction", "output")])
    private let cost = FloatingPointCounter(label: "pacer_agent_cost_total")
    private let succeeded = Counter(label: "pacer_agent_model_calls_total", dimensions: [("result", "ok")])
    private let failed = Counter(label: "pacer_agent_model_calls_total", dimensions: [("result", "error")])

    func called(inputTokens: Int, outputTokens: Int, cost: Double) {
        succeeded.increment()
        self.inputTokens.increment(by: max(0, inputTokens))
        self.outputTokens.increment(by: max(0, outputTokens))
        if cost > 0 { self.cost.increment(by: cost) }
    }

    func callFailed() { failed.increment() }
}
