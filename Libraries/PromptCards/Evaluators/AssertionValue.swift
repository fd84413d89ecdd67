/// Reading an assertion's `value` the way the built-in evaluators need it, with the same
/// wording in validation and evaluation.
extension Assertion {
    /// The value as non-empty text: a string, or a number's JSON text when `allowNumber` is set.
    /// promptfoo rejects a missing or empty value for these types, so this does too.
    func requiredText(allowNumber: Bool) -> Result<String, AssertionIssue> {
        let kinds = allowNumber ? "a string or a number" : "a string"
        switch value {
        case nil:
            return .failure(AssertionIssue(field: "value", reason: "value is required"))
        case .string(let s)?:
            return s.isEmpty ? .failure(AssertionIssue(field: "value", reason: "value must not be empty")) : .success(s)
        case .number(let d)? where allowNumber:
            return .success(JSONValue.numberText(d))
        case .some:
            return .failure(AssertionIssue(field: "value", reason: "value must be \(kinds)"))
        }
    }
}

/// Quoting for reasons: the text in double quotes, cut to `limit` characters so a 1 MB output or
/// value does not end up in every reason.
func quoted(_ text: String, limit: Int = 200) -> String {
    guard text.count > limit else { return "\"\(text)\"" }
    return "\"\(text.prefix(limit))…\" (\(text.count) characters)"
}
