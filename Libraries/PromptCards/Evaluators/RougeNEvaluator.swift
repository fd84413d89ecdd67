/// `rouge-n`: ROUGE-1 between the output and the value (the reference) reaches `threshold`
/// (default 0.75). As promptfoo computes it: unigrams of the lowercased, tokenized texts,
/// each match counted at most as often as it occurs on either side, scored as the F-measure
/// of precision and recall. `not-rouge-n` scores 1 − ROUGE.
public struct RougeNEvaluator: AssertionEvaluator {
    public static let defaultThreshold = 0.75

    public init() {}

    public var typeName: String { "rouge-n" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = assertion.requiredText(allowNumber: true) { [issue] } else { [] }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let reference: String
        switch assertion.requiredText(allowNumber: true) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let text): reference = text
        }
        let candidateTokens = TextTokens.words(output)
        let referenceTokens = TextTokens.words(reference)
        guard !candidateTokens.isEmpty else { return .error("\(assertion.type): the output has no words to compare") }
        guard !referenceTokens.isEmpty else { return .error("\(assertion.type): the value has no words to compare") }
        let ids = TextTokens.ids([candidateTokens, referenceTokens])
        let score = Self.rouge(ids[0], ids[1], n: 1)
        return .atLeast(score, threshold: assertion.threshold ?? Self.defaultThreshold, label: "ROUGE-N score")
    }

    /// ROUGE-N F1 of two token lists (as ids).
    static func rouge(_ candidate: [Int32], _ reference: [Int32], n: Int) -> Double {
        let candidateGrams = TextTokens.nGramCounts(candidate, n: n)
        let referenceGrams = TextTokens.nGramCounts(reference, n: n)
        let candidateTotal = candidateGrams.values.reduce(0, +)
        let referenceTotal = referenceGrams.values.reduce(0, +)
        guard candidateTotal > 0, referenceTotal > 0 else { return 0 }
        let overlap = Double(TextTokens.clippedOverlap(candidateGrams, referenceGrams))
        let precision = overlap / Double(candidateTotal)
        let recall = overlap / Double(referenceTotal)
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
}
