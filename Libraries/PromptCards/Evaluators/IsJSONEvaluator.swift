import JSONSchema

/// `is-json`: the whole output (spaces around it allowed) is JSON; with a JSON Schema as the
/// value, it must also be valid against it.
public struct IsJSONEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "is-json" }

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
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(output)
        } catch {
            return .binary(false, expectation: "be valid JSON (\(error))")
        }
        guard let schema else { return .binary(true, expectation: "be valid JSON") }
        let problems: String?
        do {
            problems = try schema.problems(of: parsed, meter: context.meter)
        } catch {
            return .error("\(assertion.type): \(error.reason)")
        }
        if let problems {
            return .binary(false, expectation: "be JSON that conforms to the schema; it does not: \(problems)")
        }
        return .binary(true, expectation: "be JSON that conforms to the schema")
    }
}
