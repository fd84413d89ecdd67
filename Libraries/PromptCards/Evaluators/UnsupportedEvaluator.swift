/// promptfoo types that run user code or call out (`javascript`, `python`, `ruby`, `webhook`):
/// known, so that a promptfoo file reads, but never run here. Validation refuses them with the
/// reason, and if one is evaluated anyway it fails with the same reason.
public struct UnsupportedEvaluator: AssertionEvaluator {
    public let typeName: String
    public let reason: String

    public init(typeName: String, reason: String) {
        self.typeName = typeName
        self.reason = reason
    }

    /// The types that are known and unsupported.
    public static let all: [UnsupportedEvaluator] = [
        UnsupportedEvaluator(typeName: "javascript", reason: "not supported: this system does not run user code (JavaScript)"),
        UnsupportedEvaluator(typeName: "python", reason: "not supported: this system does not run user code (Python)"),
        UnsupportedEvaluator(typeName: "ruby", reason: "not supported: this system does not run user code (Ruby)"),
        UnsupportedEvaluator(typeName: "webhook", reason: "not supported: assertions do not call external webhooks here"),
    ]

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        [AssertionIssue(field: "type", reason: reason)]
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        .error("\(assertion.type): \(reason)")
    }
}
