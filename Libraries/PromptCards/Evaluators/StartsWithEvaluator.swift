/// `starts-with`: the output begins with the value, exactly (no trimming, case-sensitive).
public struct StartsWithEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "starts-with" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredText(allowNumber: true) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        switch assertion.requiredText(allowNumber: true) {
        case .failure(let issue):
            .invalid(issue, in: assertion)
        case .success(let prefix):
            // Compared scalar by scalar, as JavaScript's startsWith does.
            .binary(output.utf8.starts(with: prefix.utf8), expectation: "start with \(quoted(prefix))")
        }
    }
}
