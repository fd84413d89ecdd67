import Foundation

/// A regular expression (ICU syntax, close to the ECMA-262 patterns JSON Schema names) whose
/// searches stop after a time limit, because a backtracking pattern such as `(a+)+$` can take
/// exponential time and a schema must not stall the process that checks model output.
public struct BoundedPattern: Sendable {
    /// The outcome of one search.
    public enum Outcome: Sendable, Equatable {
        case matched
        case notMatched
        /// The limit was reached before an answer: nothing is known about the text.
        case timedOut
    }

    /// The pattern as written.
    public let pattern: String
    let regex: NSRegularExpression

    /// Compiles `pattern`; nil when it is not a valid regular expression.
    public init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    /// Whether the pattern matches anywhere in `text`, giving up after `limit`.
    public func search(_ text: String, limit: Duration) -> Outcome {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        var outcome = Outcome.notMatched
        let range = NSRange(text.startIndex..., in: text)
        // `.reportProgress` makes the engine call back between steps, which is where the
        // deadline is checked and the search abandoned.
        regex.enumerateMatches(in: text, options: [.reportProgress], range: range) { match, _, stop in
            if match != nil {
                outcome = .matched
                stop.pointee = true
            } else if clock.now >= deadline {
                outcome = .timedOut
                stop.pointee = true
            }
        }
        return outcome
    }
}
