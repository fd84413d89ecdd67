/// `latency`: the model answered within `threshold` milliseconds (required). Fails with a
/// reason when the latency is unknown (a cached answer, an output given to the evaluate endpoint
/// without `latency_ms`).
public struct LatencyEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "latency" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        guard let threshold = assertion.threshold else {
            return [AssertionIssue(field: "threshold", reason: "threshold is required (the most milliseconds allowed)")]
        }
        return threshold >= 0 ? [] : [AssertionIssue(field: "threshold", reason: "threshold must be ≥ 0 milliseconds")]
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        if let issue = validate(assertion).first { return .invalid(issue, in: assertion) }
        guard let latency = context.latencyMs else {
            return .error("\(assertion.type): the latency of this answer is unknown")
        }
        let threshold = assertion.threshold!
        return .binary(Double(latency) <= threshold,
                       expectation: "take at most \(JSONValue.numberText(threshold)) ms (it took \(latency) ms)")
    }
}
