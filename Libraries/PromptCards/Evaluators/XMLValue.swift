/// Reading the value of `is-xml` and `contains-xml`: nothing, or the element paths that must
/// exist — `{"requiredElements": ["root.child"]}` or a comma-separated string — as promptfoo reads it.
extension Assertion {
    func requiredXMLElements() -> Result<[String], AssertionIssue> {
        switch value {
        case nil, .null?:
            return .success([])
        case .string(let text)?:
            return .success(Self.commaSeparated(text))
        case .object(let members)?:
            guard let list = members["requiredElements"]?.arrayValue, list.allSatisfy({ $0.stringValue?.isEmpty == false }) else {
                return .failure(AssertionIssue(field: "value.requiredElements", reason: "must be an array of element paths like \"root.child\""))
            }
            return .success(list.compactMap(\.stringValue))
        case .some:
            return .failure(AssertionIssue(field: "value", reason: "value must be {\"requiredElements\": [...]} or a comma-separated string of element paths"))
        }
    }
}

extension XMLChecker.Element {
    /// The paths of `required` this element does not have.
    func missing(_ required: [String]) -> [String] {
        required.filter { !has(path: $0.split(separator: ".")[...]) }
    }
}
