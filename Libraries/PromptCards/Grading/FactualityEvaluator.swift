/// `factuality`: a grader model compares the output's facts with the reference answer in
/// `value` (OpenAI's factuality eval) and picks a category: (A) subset, (B) superset,
/// (C) same details, (D) disagreement, (E) different but factually equivalent.
///
/// Scores per category are promptfoo's defaults — A, B, C, E score 1 and D scores 0 — and can
/// be changed with `config.factuality` (`subset`, `superset`, `agree`, `disagree`,
/// `differButFactual`); a category passes when its score is above 0. The question is the
/// test's prompt.
public struct FactualityEvaluator: ModelGradedEvaluator {
    public init() {}

    public var typeName: String { "factuality" }

    static let categoryNames: [Character: (key: String, text: String)] = [
        "A": ("subset", "a consistent subset of the reference"),
        "B": ("superset", "a consistent superset of the reference"),
        "C": ("agree", "the same details as the reference"),
        "D": ("disagree", "in disagreement with the reference"),
        "E": ("differButFactual", "different from the reference in ways that do not matter for factuality"),
    ]

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        var issues: [AssertionIssue] = []
        if case .failure(let issue) = assertion.requiredText(allowNumber: true) { issues.append(issue) }
        if let scores = assertion.config?["factuality"] {
            let valid = scores.objectValue.map { map in
                map.allSatisfy { key, value in
                    Self.categoryNames.values.contains { $0.key == key } && value.doubleValue.map { (0...1).contains($0) } == true
                }
            } ?? false
            if !valid {
                issues.append(AssertionIssue(field: "config.factuality",
                                             reason: "must map subset, superset, agree, disagree, differButFactual to scores between 0 and 1"))
            }
        }
        return issues
    }

    func score(_ category: Character, assertion: Assertion) -> Double {
        let key = Self.categoryNames[category]!.key
        if let custom = assertion.config?["factuality"]?[key]?.doubleValue { return custom }
        return category == "D" ? 0 : 1
    }

    public func grade(output: String, assertion: Assertion, context: AssertionContext, grader: any ModelGrader) async -> AssertionVerdict {
        let reference: String
        switch assertion.requiredText(allowNumber: true) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let text): reference = text
        }
        let model = GraderProvider.model(for: .text, assertion: assertion, context: context)
        let messages = GradingPrompts.factuality(question: context.prompt, expert: reference, submission: output)
        let answer: String
        var metadata: [String: JSONValue]
        switch await GraderReply.ask(grader, messages, model: model, format: .json, for: assertion) {
        case .failed(let verdict): return verdict
        case .answered(let text, let graded): (answer, metadata) = (text, graded)
        }
        switch GraderAnswer.factuality(answer) {
        case .failure(let malformed):
            return GraderReply.unusable(answer, reason: malformed.reason, metadata: metadata, for: assertion)
        case .success(let (category, reason)):
            metadata["category"] = .string(String(category))
            let score = score(category, assertion: assertion)
            let detail = "the grader chose (\(category)): the output is \(Self.categoryNames[category]!.text) — \(reason)"
            return .measured(pass: score > 0, score: score, detail: detail, metadata: metadata)
        }
    }
}
