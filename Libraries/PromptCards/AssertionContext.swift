import JSONSchema

/// What an assertion may look at besides the output: the test's variables, the rendered prompt,
/// what the call reported (latency, cost, finish reason), and the grader to use by default.
public struct AssertionContext: Sendable {
    /// The test case's variables; string values of assertions are rendered with them
    /// (`value: "{{expected}}"`), and `answer-relevance` reads `query` from them.
    public var vars: [String: JSONValue]
    /// The prompt as sent to the model.
    public var prompt: String
    /// How long the model took, in milliseconds, when known (for `latency`).
    public var latencyMs: Int?
    /// What the call cost, in dollars, when known (for `cost`).
    public var cost: Double?
    /// Why the model stopped (`stop`, `length`, `content_filter`, `tool_calls`), when known
    /// (for `finish-reason`).
    public var finishReason: String?
    /// The suite's default grader for model-graded types whose assertion names no `provider`
    /// (promptfoo's `defaultTest.options.provider`); nil leaves the choice to the grader.
    public var defaultProvider: JSONValue?
    /// Where the costly checks (schemas, regexes) charge their work. The engine puts a fresh one
    /// here for each evaluation it starts (`AssertionLimits.meter()`), so every check of one
    /// test case shares one budget; an evaluator only spends from it.
    public var meter: WorkMeter

    public init(vars: [String: JSONValue] = [:], prompt: String = "", latencyMs: Int? = nil, cost: Double? = nil,
                finishReason: String? = nil, defaultProvider: JSONValue? = nil) {
        self.vars = vars
        self.prompt = prompt
        self.latencyMs = latencyMs
        self.cost = cost
        self.finishReason = finishReason
        self.defaultProvider = defaultProvider
        meter = AssertionLimits.standard.meter()
    }
}
