import Foundation

/// `bleu`: the BLEU score of the output against the value — one reference, or an array of
/// them — reaches `threshold` (default 0.5). As promptfoo computes it: lowercased
/// whitespace-separated words; modified precision of 1- to 4-grams (clipped by the best
/// reference), weights 0.25 each, renormalised over the orders the output is long enough
/// for; a zero precision smoothed to 1e-7; the brevity penalty against the reference of
/// closest length (the shorter on ties). Blank references are ignored; with none left the
/// score is 0. `not-bleu` scores 1 − BLEU.
public struct BLEUEvaluator: AssertionEvaluator {
    public static let defaultThreshold = 0.5

    public init() {}

    public var typeName: String { "bleu" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = Self.references(assertion) { [issue] } else { [] }
    }

    static func references(_ assertion: Assertion) -> Result<[String], AssertionIssue> {
        switch assertion.value {
        case nil: return .failure(AssertionIssue(field: "value", reason: "value is required (the reference text)"))
        case .string(let text)?: return .success([text])
        case .array(let elements)? where !elements.isEmpty && elements.allSatisfy({ $0.stringValue != nil }):
            return .success(elements.compactMap(\.stringValue))
        default: return .failure(AssertionIssue(field: "value", reason: "value must be a string or a non-empty array of strings"))
        }
    }

    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        let references: [String]
        switch Self.references(assertion) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let texts): references = texts
        }
        let candidate = Self.words(output)
        guard !candidate.isEmpty else { return .error("\(assertion.type): the output has no words to compare") }
        let ids = TextTokens.ids([candidate] + references.map(Self.words).filter { !$0.isEmpty })
        let score = Self.bleu(ids[0], Array(ids.dropFirst()))
        return .atLeast(score, threshold: assertion.threshold ?? Self.defaultThreshold, label: "BLEU score")
    }

    static func words(_ text: String) -> [String] {
        TextTokens.whitespaceSeparated(text)
    }

    /// Sentence BLEU of `candidate` against `references` (both tokenized to ids, non-empty).
    static func bleu(_ candidate: [Int32], _ references: [[Int32]]) -> Double {
        guard !references.isEmpty, !candidate.isEmpty else { return 0 }
        let closest = references.map(\.count).min { a, b in
            let da = abs(a - candidate.count), db = abs(b - candidate.count)
            return da < db || (da == db && a < b)
        }!
        var logSum = 0.0
        var weightSum = 0.0
        for n in 1...4 {
            let grams = TextTokens.nGramCounts(candidate, n: n)
            let total = grams.values.reduce(0, +)
            guard total > 0 else { continue }
            let clipped = references.map { TextTokens.clippedOverlap(grams, TextTokens.nGramCounts($0, n: n)) }.max() ?? 0
            let precision = Double(clipped) / Double(total)
            logSum += 0.25 * log(precision == 0 ? 1e-7 : precision)
            weightSum += 0.25
        }
        guard weightSum > 0 else { return 0 }
        let penalty = candidate.count > closest ? 1 : exp(1 - Double(closest) / Double(candidate.count))
        return penalty * exp(logSum / weightSum)
    }
}
