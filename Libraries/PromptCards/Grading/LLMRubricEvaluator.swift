/// `llm-rubric`: a grader model judges the output against the rubric in `value` and answers
/// `{reason, score, pass}`.
///
/// As in promptfoo: without a `threshold` the grader's `pass` decides (missing means true);
/// with one, `pass` must be true and `score` at least the threshold. The grading prompt, the
/// model and its raw answer are in the result's metadata. An answer that is not that JSON
/// fails the assertion with a reason (also for `not-llm-rubric`: nothing was learned).
public struct LLMRubricEvaluator: ModelGradedEvaluator {
    public init() {}

    public var typeName: String { "llm-rubric" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = Self.rubric(assertion) { [issue] } else { [] }
    }

    /// The rubric text: a string, or any other JSON value as its JSON text.
    static func rubric(_ assertion: Assertion) -> Result<String, AssertionIssue> {
        switch assertion.value {
        case nil, .null?: .failure(AssertionIssue(field: "value", reason: "value is required (the rubric to grade by)"))
        case .string(let text)? where text.isEmpty: .failure(AssertionIssue(field: "value", reason: "value must not be empty"))
        case let value?: .success(value.text)
        }
    }

    public func grade(output: String, assertion: Assertion, context: AssertionContext, grader: any ModelGrader) async -> AssertionVerdict {
        let rubric: String
        switch Self.rubric(assertion) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let text): rubric = text
        }
        let model = GraderProvider.model(for: .text, assertion: assertion, context: context)
        let messages = GradingPrompts.rubric(output: output, rubric: rubric)
        let answer: String
        let metadata: [String: JSONValue]
        switch await GraderReply.ask(grader, messages, model: model, format: .json, for: assertion) {
        case .failed(let verdict): return verdict
        case .answered(let text, let graded): (answer, metadata) = (text, graded)
        }
        switch GraderAnswer.rubric(answer) {
        case .failure(let malformed):
            return GraderReply.unusable(answer, reason: malformed.reason, metadata: metadata, for: assertion)
        case .success(let verdict):
            var pass = verdict.pass
            var detail = "the grader \(verdict.pass ? "passed" : "failed") it with score \(formatted(verdict.score))"
            if let threshold = assertion.threshold {
                pass = pass && verdict.score >= threshold
                detail += " (threshold \(JSONValue.numberText(threshold)))"
            }
            return .measured(pass: pass, score: verdict.score, detail: "\(detail): \(verdict.reason)", metadata: metadata)
        }
    }
}
