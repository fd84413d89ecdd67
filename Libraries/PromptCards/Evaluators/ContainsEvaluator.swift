/// `contains`: the value occurs somewhere in the output, case-sensitively. A number value is
/// looked for as its text (`42`).
public struct ContainsEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "contains" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredText(allowNumber: true) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        switch assertion.requiredText(allowNumber: true) {
        case .failure(let issue):
            .invalid(issue, in: assertion)
        case .success(let needle):
            .binary(output.includes(needle), expectation: "contain \(quoted(needle))")
        }
    }
}
