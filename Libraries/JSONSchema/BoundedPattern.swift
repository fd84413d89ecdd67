import Budgets
import Foundation

/// A regular expression (ICU syntax, close to the ECMA-262 patterns JSON Schema names) whose
/// searches stop after a limit of CPU time, because a backtracking pattern such as `(a+)+$` can take
/// exponential time and must not stall the process that checks model output. Every regex the
/// assertion engine and the schema validator run is one of these.
public struct BoundedPattern: Sendable {
    /// The outcome of one search.
    public enum Outcome: Sendable, Equatable {
        case matched
        case notMatched
        /// One search ran out of its CPU time (`MAX_REGEX_MATCH_MS`): nothing is known about the text.
        case timedOut(BudgetExceeded)
        /// The evaluation's regex time (`MAX_REGEX_MS_PER_TEST`) ran out, during this search or before it.
        case overBudget(BudgetExceeded)
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

    /// Whether the pattern matches anywhere in `text`, within the CPU time `meter` allows for
    /// one search and has left for the evaluation; the CPU time taken is charged to `meter`.
    public func search(_ text: String, meter: WorkMeter) -> Outcome {
        let allowed: (limit: Duration, budget: Budget)
        do {
            allowed = try meter.nextSearchLimit()
        } catch {
            return .overBudget(error)
        }
        let clock = ContinuousClock()
        let cpuStart = ThreadCPUTime.now()
        // Wall-clock time is at least the thread's CPU time, so the wall deadline (cheap to
        // read, checked at every callback) can only come early; when it passes, the CPU time
        // is read and the deadline moved by what is left, which happens when others held the core.
        var deadline = clock.now.advanced(by: allowed.limit)
        var matched = false
        var stopped = false
        let range = NSRange(text.startIndex..., in: text)
        // `.reportProgress` makes the engine call back between steps, which is where the
        // deadline is checked and the search abandoned.
        regex.enumerateMatches(in: text, options: [.reportProgress], range: range) { match, _, stop in
            if match != nil {
                matched = true
                stop.pointee = true
                return
            }
            let now = clock.now
            guard now >= deadline else { return }
            let left = allowed.limit - (ThreadCPUTime.now() - cpuStart)
            if left > .zero {
                deadline = now.advanced(by: left)
            } else {
                stopped = true
                stop.pointee = true
            }
        }
        meter.spendRegexTime(ThreadCPUTime.now() - cpuStart)
        if matched { return .matched }
        guard stopped else { return .notMatched }
        if allowed.budget == meter.regexTime { return .overBudget(meter.regexTimeExceeded) }
        return .timedOut(meter.regexMatch.exceeded("one search of regex \(Self.quoted(pattern))"))
    }

    /// The pattern in double quotes, cut short for messages.
    static func quoted(_ text: String) -> String {
        text.count > 100 ? "\"\(text.prefix(100))…\"" : "\"\(text)\""
    }
}
