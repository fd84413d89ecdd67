/// What an assertion may look at besides the output: the test's variables, the rendered prompt,
/// and the call's latency and cost (for promptfoo's `latency` and `cost` types, to come).
public struct AssertionContext: Sendable, Hashable {
    /// The test case's variables.
    public var vars: [String: JSONValue]
    /// The prompt as sent to the model.
    public var prompt: String
    /// How long the model took, in milliseconds, when known.
    public var latencyMs: Int?
    /// What the call cost, in dollars, when known.
    public var cost: Double?

    public init(vars: [String: JSONValue] = [:], prompt: String = "", latencyMs: Int? = nil, cost: Double? = nil) {
        self.vars = vars
        self.prompt = prompt
        self.latencyMs = latencyMs
        self.cost = cost
    }
}
