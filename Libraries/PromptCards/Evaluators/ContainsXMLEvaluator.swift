/// `contains-xml`: somewhere in the output there is a well-formed XML element; with
/// `requiredElements`, one such element (its name first in each path) must have them all.
public struct ContainsXMLEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "contains-xml" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredXMLElements() { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let required: [String]
        switch assertion.requiredXMLElements() {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let paths): required = paths
        }
        let (elements, complete) = XMLChecker.containedElements(in: output)
        let searchNote = complete ? "" : " (the search stopped early: the output is too costly to scan)"
        guard !elements.isEmpty else {
            return .binary(false, expectation: "contain well-formed XML; it contains none\(searchNote)")
        }
        if required.isEmpty { return .binary(true, expectation: "contain well-formed XML") }
        let expectation = "contain XML with the elements \(required.joined(separator: ", "))"
        if elements.contains(where: { $0.missing(required).isEmpty }) { return .binary(true, expectation: expectation) }
        return .binary(false, expectation: "\(expectation); missing: \(elements[0].missing(required).joined(separator: ", "))\(searchNote)")
    }
}
