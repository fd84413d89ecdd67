/// `cost`: the call cost at most `threshold` dollars. Without a threshold it only records the
/// cost — the score is the cost in dollars, for a `metric` — which promptfoo allows with
/// `weight: 0` only, so that dollars never mix into the test's score. An unknown, negative or
/// non-finite cost fails with a reason.
public struct CostEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "cost" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        guard let threshold = assertion.threshold else {
            return assertion.weight == 0 ? [] : [AssertionIssue(
                field: "threshold", reason: "threshold is required (the most dollars allowed), unless weight is 0 to only record the cost")]
        }
        return threshold >= 0 ? [] : [AssertionIssue(field: "threshold", reason: "threshold must be ≥ 0 dollars")]
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        if let issue = validate(assertion).first { return .invalid(issue, in: assertion) }
        guard let cost = context.cost, cost.isFinite, cost >= 0 else {
            return .error("\(assertion.type): the cost of this answer is \(context.cost.map { "invalid (\($0))" } ?? "unknown")")
        }
        guard let threshold = assertion.threshold else {
            return .measured(pass: true, score: cost, detail: "the call cost $\(JSONValue.numberText(cost)) (recorded, no limit)", negatedScore: cost)
        }
        return .binary(cost <= threshold,
                       expectation: "cost at most $\(JSONValue.numberText(threshold)) (it cost $\(JSONValue.numberText(cost)))")
    }
}
