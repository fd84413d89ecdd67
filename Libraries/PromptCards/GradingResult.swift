/// The verdict on one assertion, or on a whole test case (then `componentResults` holds one
/// result per assertion). Field names are promptfoo's, so results read the same as promptfoo's.
public struct GradingResult: Sendable, Hashable, Codable {
    /// Whether the assertion (or test) passed.
    public var pass: Bool
    /// Between 0 and 1; for a test, the weighted mean of its assertions' scores.
    public var score: Double
    /// Why it passed or failed, for people.
    public var reason: String
    /// The assertion this result is for; nil on a test-level result.
    public var assertion: Assertion?
    /// For a test, the result of each assertion in order; nil on an assertion's own result.
    public var componentResults: [GradingResult]?
    /// Scores by metric name (`Assertion.metric`).
    public var namedScores: [String: Double]
    /// Details some types add, under promptfoo's names where it has them: for model-graded
    /// types the grading prompt sent (`renderedGradingPrompt`), the grader's answer
    /// (`graderResponse`) and model (`provider`); `renderedAssertionValue` when the value was a
    /// template rendered with the test's variables.
    public var metadata: [String: JSONValue]?

    public init(pass: Bool, score: Double, reason: String, assertion: Assertion? = nil,
                componentResults: [GradingResult]? = nil, namedScores: [String: Double] = [:],
                metadata: [String: JSONValue]? = nil) {
        self.pass = pass
        self.score = score
        self.reason = reason
        self.assertion = assertion
        self.componentResults = componentResults
        self.namedScores = namedScores
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case pass, score, reason, assertion, componentResults, namedScores, metadata
    }

    /// `namedScores` may be absent (promptfoo omits it when empty).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pass = try c.decode(Bool.self, forKey: .pass)
        score = try c.decode(Double.self, forKey: .score)
        reason = try c.decode(String.self, forKey: .reason)
        assertion = try c.decodeIfPresent(Assertion.self, forKey: .assertion)
        componentResults = try c.decodeIfPresent([GradingResult].self, forKey: .componentResults)
        namedScores = try c.decodeIfPresent([String: Double].self, forKey: .namedScores) ?? [:]
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
    }

    /// A failed result with score 0, for an assertion that could not be checked.
    static func failure(_ reason: String, assertion: Assertion?) -> GradingResult {
        GradingResult(pass: false, score: 0, reason: reason, assertion: assertion)
    }
}
