/// What an evaluator concludes about the base (un-negated) type; the engine turns it into a
/// `GradingResult`, inverting it for `not-` types.
public enum AssertionVerdict: Sendable, Hashable {
    /// The check ran. `expectation` completes the sentence "Expected output to …"
    /// (`contain "foo"`), and is used for both the passing and the failing reason.
    case checked(pass: Bool, score: Double, expectation: String)
    /// The assertion could not be checked (missing value, invalid regex, time limit hit).
    /// The result fails with this reason, even for a `not-` type.
    case error(String)

    /// A pass/fail check scored 1 or 0, as promptfoo scores its deterministic types.
    public static func binary(_ pass: Bool, expectation: String) -> AssertionVerdict {
        .checked(pass: pass, score: pass ? 1 : 0, expectation: expectation)
    }

    /// The error for an assertion whose fields are wrong: "contains: value is required".
    public static func invalid(_ issue: AssertionIssue, in assertion: Assertion) -> AssertionVerdict {
        .error("\(assertion.type): \(issue.reason)")
    }
}
