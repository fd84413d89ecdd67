import JSONSchema

/// `contains-json`: somewhere in the output — in prose, in a code fence — there is a JSON
/// object or array; with a JSON Schema as the value, at least one of them must be valid
/// against it. Scalars alone (`42`, `"x"`) do not count, since any text contains them.
public struct ContainsJSONEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "contains-json" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        validate(assertion, limits: .standard)
    }

    public func validate(_ assertion: Assertion, limits: AssertionLimits) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.optionalSchema(steps: limits.schemaSteps) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let schema: JSONSchema?
        switch assertion.optionalSchema(steps: context.meter.schemaSteps) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let compiled): schema = compiled
        }
        let (values, complete) = JSONParser.containedValues(in: output)
        let searchNote = complete ? "" : " (the search stopped early: the output is too costly to scan)"
        guard !values.isEmpty else {
            return .binary(false, expectation: "contain a JSON object or array; it contains none\(searchNote)")
        }
        guard let schema else { return .binary(true, expectation: "contain JSON") }
        var firstProblems = ""
        for value in values {
            let problems: String?
            do {
                problems = try schema.problems(of: value, meter: context.meter)
            } catch {
                return .error("\(assertion.type): \(error.reason)")
            }
            guard let problems else {
                return .binary(true, expectation: "contain JSON that conforms to the schema")
            }
            if firstProblems.isEmpty { firstProblems = problems }
        }
        return .binary(false, expectation: "contain JSON that conforms to the schema; "
                       + "none of its \(values.count) JSON value(s) does (first: \(firstProblems))\(searchNote)")
    }
}
