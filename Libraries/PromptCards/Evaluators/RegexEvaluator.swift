import Foundation
import JSONSchema

/// `regex`: the value is a regular expression (ICU syntax, via `NSRegularExpression`, no flags)
/// that must match somewhere in the output.
///
/// A backtracking pattern such as `(a+)+$` can take exponential time, and one assertion must not
/// stall a worker: matching is a `BoundedPattern` search, under the CPU-time limit of one search
/// (`MAX_REGEX_MATCH_MS`) and within what the test's evaluation has left of its regex time
/// (`MAX_REGEX_MS_PER_TEST`, shared with every other regex and schema pattern of the test, so
/// a hundred slow patterns cannot add up to minutes). Hitting either fails the assertion with a
/// reason naming the budget, even for `not-regex`, because nothing was learned about the output.
/// The whole output is searched; there is no length cap, the time budgets bound the work instead.
public struct RegexEvaluator: AssertionEvaluator {
    public init() {}

    public var typeName: String { "regex" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        switch assertion.requiredText(allowNumber: false) {
        case .failure(let issue):
            return [issue]
        case .success(let pattern):
            guard BoundedPattern(pattern) != nil else {
                return [AssertionIssue(field: "value", reason: "invalid pattern \(quoted(pattern))")]
            }
            return []
        }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let pattern: String
        switch assertion.requiredText(allowNumber: false) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let text): pattern = text
        }
        guard let regex = BoundedPattern(pattern) else {
            return .error("invalid regex: \(quoted(pattern)) is not a valid pattern")
        }
        switch regex.search(output, meter: context.meter) {
        case .matched:
            return .binary(true, expectation: "match regex \(quoted(pattern))")
        case .notMatched:
            return .binary(false, expectation: "match regex \(quoted(pattern))")
        case .timedOut(let exceeded):
            return .error("regex \(quoted(pattern)) timed out after \(exceeded.budget.limit) ms of CPU time "
                + "(\(exceeded.budget.name); the pattern backtracks too much on this output)")
        case .overBudget(let exceeded):
            return .error("regex \(quoted(pattern)): \(exceeded.reason)")
        }
    }
}
