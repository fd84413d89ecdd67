import Foundation

/// `regex`: the value is a regular expression (ICU syntax, via `NSRegularExpression`, no flags)
/// that must match somewhere in the output.
///
/// A backtracking pattern such as `(a+)+$` can take exponential time, and one assertion must not
/// stall a worker: matching runs under a time limit (`timeLimit`, 250 ms by default), checked
/// between the regex engine's steps. Hitting it fails the assertion with a reason saying so,
/// even for `not-regex`, because nothing was learned about the output. The whole output is
/// searched; there is no length cap, the time limit bounds the work instead.
public struct RegexEvaluator: AssertionEvaluator {
    /// The default time limit for one match.
    public static let defaultTimeLimit: Duration = .milliseconds(250)

    /// How long one match may run before it is abandoned.
    public let timeLimit: Duration

    public init(timeLimit: Duration = RegexEvaluator.defaultTimeLimit) {
        self.timeLimit = timeLimit
    }

    public var typeName: String { "regex" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        switch assertion.requiredText(allowNumber: false) {
        case .failure(let issue):
            return [issue]
        case .success(let pattern):
            guard (try? NSRegularExpression(pattern: pattern)) != nil else {
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
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            return .error("invalid regex: \(quoted(pattern)) is not a valid pattern")
        }

        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeLimit)
        var matched = false
        var timedOut = false
        let range = NSRange(output.startIndex..., in: output)
        // `.reportProgress` makes the engine call back between steps, which is where the
        // deadline is checked and the search abandoned.
        regex.enumerateMatches(in: output, options: [.reportProgress], range: range) { match, _, stop in
            if match != nil {
                matched = true
                stop.pointee = true
            } else if clock.now >= deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        if timedOut && !matched {
            return .error("regex \(quoted(pattern)) timed out after \(timeLimit.milliseconds) ms "
                + "(the pattern backtracks too much on this output)")
        }
        return .binary(matched, expectation: "match regex \(quoted(pattern))")
    }
}

extension Duration {
    /// Whole milliseconds, for messages.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
