/// `contains-any`, `contains-all`, `icontains-any`, `icontains-all`: the output contains at
/// least one (any) or every (all) of the listed texts, with or without case. The list is an
/// array, or a string of comma-separated values, as promptfoo reads it.
public struct ContainsListEvaluator: AssertionEvaluator {
    /// Whether one listed text is enough or every one is needed.
    public enum Mode: String, Sendable {
        case any, all
    }

    public let mode: Mode
    public let ignoresCase: Bool

    public init(mode: Mode, ignoresCase: Bool) {
        self.mode = mode
        self.ignoresCase = ignoresCase
    }

    public var typeName: String { "\(ignoresCase ? "i" : "")contains-\(mode.rawValue)" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredTextList() { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let needles: [String]
        switch assertion.requiredTextList() {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let list): needles = list
        }
        let haystack = ignoresCase ? output.lowercased() : output
        let missing = needles.filter { !haystack.includes(ignoresCase ? $0.lowercased() : $0) }
        let list = needles.map { quoted($0, limit: 80) }.joined(separator: ", ")
        let caseNote = ignoresCase ? " (ignoring case)" : ""
        switch mode {
        case .any:
            return .binary(missing.count < needles.count, expectation: "contain one of \(list)\(caseNote)")
        case .all:
            let note = missing.isEmpty ? "" : "; missing: \(missing.map { quoted($0, limit: 80) }.joined(separator: ", "))"
            return .binary(missing.isEmpty, expectation: "contain all of \(list)\(caseNote)\(note)")
        }
    }
}
