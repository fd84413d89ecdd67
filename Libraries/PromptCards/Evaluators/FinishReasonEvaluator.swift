/// `finish-reason`: the model stopped for the reason in the value (`stop`, `length`,
/// `content_filter`, `tool_calls`), compared without case. Fails with a reason when the
/// provider reported none.
public struct FinishReasonEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "finish-reason" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredText(allowNumber: false) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let expected: String
        switch assertion.requiredText(allowNumber: false) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let text): expected = text
        }
        guard let actual = context.finishReason, !actual.isEmpty else {
            return .error("\(assertion.type): the provider did not report why the model stopped")
        }
        return .binary(actual.lowercased() == expected.lowercased(),
                       expectation: "have finish reason \(quoted(expected)) (it was \(quoted(actual)))")
    }
}
