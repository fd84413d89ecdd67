/// Implements one promptfoo assertion type. Adding a type means writing one evaluator (one file in
/// `Evaluators/`) and listing it in `AssertionRegistry.builtIn`.
///
/// Evaluators implement the base type only; the engine handles `not-`, weights and metrics.
/// They must not crash or hang on any input: bad values become `AssertionVerdict.error`.
public protocol AssertionEvaluator: Sendable {
    /// promptfoo's name for the type, without `not-`: `contains`.
    var typeName: String { get }

    /// Problems with the assertion's own fields (`value`, `threshold`), found without any output.
    /// Fields are relative to the assertion (`value`); reasons do not repeat the type name.
    func validate(_ assertion: Assertion) -> [AssertionIssue]

    /// `validate(_:)` within `limits`, for types whose checks have a cost of their own (compiling
    /// a JSON Schema takes up to `limits.schemaSteps`); the default ignores them.
    func validate(_ assertion: Assertion, limits: AssertionLimits) -> [AssertionIssue]

    /// Checks `output` against `assertion`.
    func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict
}

extension AssertionEvaluator {
    public func validate(_ assertion: Assertion, limits: AssertionLimits) -> [AssertionIssue] {
        validate(assertion)
    }
}
