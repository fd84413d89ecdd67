/// `icontains`: like `contains`, ignoring case (both sides lowercased, as promptfoo does).
public struct IContainsEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "icontains" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredText(allowNumber: true) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        switch assertion.requiredText(allowNumber: true) {
        case .failure(let issue):
            .invalid(issue, in: assertion)
        case .success(let needle):
            .binary(output.lowercased().includes(needle.lowercased()),
                    expectation: "contain \(quoted(needle)) (ignoring case)")
        }
    }
}
