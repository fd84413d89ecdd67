/// `levenshtein`: the output is within `threshold` edits (insertions, deletions,
/// substitutions of UTF-16 code units, as promptfoo counts) of the value; default 5.
///
/// Only whether the distance is at most the threshold matters, so the distance is computed
/// in a band of that width (Ukkonen): a megabyte of output against a short value is decided
/// at once instead of taking minutes. Comparisons still too large to do quickly fail with a
/// reason. Unlike promptfoo, a threshold of 0 means exactly 0 (promptfoo treats 0 as "unset").
public struct LevenshteinEvaluator: AssertionEvaluator {
    public static let defaultThreshold = 5.0
    /// The most table cells one comparison may fill.
    static let workLimit = 50_000_000

    public init() {}

    public var typeName: String { "levenshtein" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        var issues: [AssertionIssue] = []
        if case .failure(let issue) = assertion.requiredText(allowNumber: true, allowEmpty: true) { issues.append(issue) }
        if let threshold = assertion.threshold, !(threshold >= 0) {
            issues.append(AssertionIssue(field: "threshold", reason: "threshold must be a distance ≥ 0"))
        }
        return issues
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        if let issue = validate(assertion).first { return .invalid(issue, in: assertion) }
        guard case .success(let expected) = assertion.requiredText(allowNumber: true, allowEmpty: true) else { return .error("levenshtein: value is required") }
        let threshold = assertion.threshold ?? Self.defaultThreshold
        let limit = Int(min(threshold.rounded(.down), Double(Int32.max)))
        let a = Array(output.utf16)
        let b = Array(expected.utf16)
        switch Self.distance(a, b, atMost: limit) {
        case .tooCostly:
            return .error("\(assertion.type): comparing \(a.count) with \(b.count) characters at threshold \(limit) is too costly")
        case .within(let distance):
            return .measured(pass: true, score: 1, detail: "Levenshtein distance \(distance) is at most the threshold \(JSONValue.numberText(threshold))",
                             negatedScore: 0)
        case .beyond:
            return .measured(pass: false, score: 0, detail: "Levenshtein distance is greater than the threshold \(JSONValue.numberText(threshold))",
                             negatedScore: 1)
        }
    }

    enum Distance: Equatable {
        case within(Int)
        case beyond
        case tooCostly
    }

    /// The edit distance of `a` and `b` when it is at most `limit`.
    static func distance(_ a: [UInt16], _ b: [UInt16], atMost limit: Int) -> Distance {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        if long.count - short.count > limit { return .beyond }
        if short.isEmpty { return .within(long.count) }
        let band = min(short.count, limit)
        let cells = long.count.multipliedReportingOverflow(by: 2 * band + 1)
        if cells.overflow || cells.partialValue > workLimit { return .tooCostly }
        let infinity = limit + 1
        // previous[j]: distance between long[0..<i-1] and short[0..<j].
        var previous = Array(0...short.count).map { min($0, infinity) }
        var current = [Int](repeating: infinity, count: short.count + 1)
        for i in 1...long.count {
            let low = max(1, i - limit)
            let high = min(short.count, i + limit)
            current[0] = i <= limit ? i : infinity
            if low > 1 { current[low - 1] = infinity }
            var rowMinimum = current[0]
            if low <= high {
                for j in low...high {
                    let cost = long[i - 1] == short[j - 1] ? 0 : 1
                    let value = min(previous[j - 1] + cost, previous[j] + 1, current[j - 1] + 1)
                    current[j] = min(value, infinity)
                    rowMinimum = min(rowMinimum, current[j])
                }
            }
            if high < short.count { current[high + 1] = infinity }
            if rowMinimum > limit { return .beyond }
            swap(&previous, &current)
        }
        let distance = previous[short.count]
        return distance <= limit ? .within(distance) : .beyond
    }
}
