/// `is-xml`: the whole output is one well-formed XML document (see `XMLChecker`), containing
/// the `requiredElements` paths when the value lists them.
public struct IsXMLEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "is-xml" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredXMLElements() { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let required: [String]
        switch assertion.requiredXMLElements() {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let paths): required = paths
        }
        switch XMLChecker.document(output) {
        case .failure(let problem):
            return .binary(false, expectation: "be well-formed XML (\(problem))")
        case .success(let root):
            let missing = root.missing(required)
            if !missing.isEmpty {
                return .binary(false, expectation: "be XML with the elements \(required.joined(separator: ", ")); missing: \(missing.joined(separator: ", "))")
            }
            return .binary(true, expectation: required.isEmpty ? "be well-formed XML" : "be XML with the elements \(required.joined(separator: ", "))")
        }
    }
}
