import Foundation

/// What an evaluator concludes about the base (un-negated) type; the engine turns it into a
/// `GradingResult`, inverting it for `not-` types.
public enum AssertionVerdict: Sendable, Hashable {
    /// The check ran. `expectation` completes the sentence "Expected output to …"
    /// (`contain "foo"`), and is used for both the passing and the failing reason.
    case checked(pass: Bool, score: Double, expectation: String)
    /// A graded measurement (a similarity, a distance, a grader's verdict) compared with a
    /// threshold. `detail` states the finding for both outcomes ("ROUGE-N score 0.80 ≥
    /// threshold 0.75"). Negation inverts `pass` and gives score `1 - score`, or
    /// `negatedScore` when the type defines another one. `metadata` lands in the result
    /// (a grader's prompt and answer, for instance).
    case measured(pass: Bool, score: Double, detail: String, negatedScore: Double? = nil,
                  metadata: [String: JSONValue] = [:])
    /// The assertion could not be checked (missing value, invalid regex, time limit hit).
    /// The result fails with this reason, even for a `not-` type.
    case error(String)
    /// Like `error`, with details for the result's metadata (what a grader was asked and answered).
    case failedCheck(String, metadata: [String: JSONValue])

    /// A pass/fail check scored 1 or 0, as promptfoo scores its deterministic types.
    public static func binary(_ pass: Bool, expectation: String) -> AssertionVerdict {
        .checked(pass: pass, score: pass ? 1 : 0, expectation: expectation)
    }

    /// The error for an assertion whose fields are wrong: "contains: value is required".
    public static func invalid(_ issue: AssertionIssue, in assertion: Assertion) -> AssertionVerdict {
        .error("\(assertion.type): \(issue.reason)")
    }

    /// A score compared with a minimum: passes when `score ≥ threshold`. `label` names the
    /// measurement ("ROUGE-N score").
    public static func atLeast(_ score: Double, threshold: Double, label: String,
                               metadata: [String: JSONValue] = [:]) -> AssertionVerdict {
        let pass = score >= threshold
        return .measured(pass: pass, score: score,
                         detail: "\(label) \(formatted(score)) is \(pass ? "at least" : "below") the threshold \(JSONValue.numberText(threshold))",
                         metadata: metadata)
    }
}

/// A number for a reason: an integer as such, else two decimals (four when that would hide a
/// small non-zero value).
func formatted(_ number: Double) -> String {
    guard number.isFinite else { return "\(number)" }
    if let integer = JSONValue.exactInteger(number) { return String(integer) }
    let magnitude = abs(number)
    return String(format: magnitude < 0.01 ? "%.4f" : "%.2f", number)
}
