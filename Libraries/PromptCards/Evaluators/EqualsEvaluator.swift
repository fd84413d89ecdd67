/// `equals`: the output is exactly the value.
///
/// A string value is compared as text. A number also matches output that reads as the same number
/// (`42` equals "42" and "42.0", like JavaScript's `==` that promptfoo uses). An object or array value
/// (or `null`) makes the output parse as JSON and compare structurally, so key order and spacing do
/// not matter; output that is not JSON does not equal it.
public struct EqualsEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "equals" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        assertion.value == nil ? [AssertionIssue(field: "value", reason: "value is required")] : []
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        if let issue = validate(assertion).first { return .invalid(issue, in: assertion) }
        switch assertion.value! {
        case .string(let expected):
            // Compared scalar by scalar, as JavaScript's === does (not by canonical equivalence).
            return .binary(output.utf8.elementsEqual(expected.utf8), expectation: "equal \(quoted(expected))")
        case .number(let expected):
            let text = JSONValue.numberText(expected)
            let pass = output == text || Double(output.trimmingJSONSpace()) == expected
            return .binary(pass, expectation: "equal \(quoted(text))")
        case .bool(let expected):
            let text = expected ? "true" : "false"
            return .binary(output.trimmingJSONSpace() == text, expectation: "equal \(quoted(text))")
        case let expected:
            let expectation = "equal JSON \(quoted(expected.jsonText))"
            guard let actual = try? JSONValue(parsing: output) else {
                return .binary(false, expectation: expectation + " (output is not valid JSON)")
            }
            return .binary(actual == expected, expectation: expectation)
        }
    }
}
