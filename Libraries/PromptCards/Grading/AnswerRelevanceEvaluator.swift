/// `answer-relevance`: whether the output answers the question, in RAGAS's way as promptfoo
/// does it: a grader model writes questions the output would answer, and the score is the
/// mean cosine similarity between their embeddings and the question's. The question is the
/// test's `query` variable, else the prompt. Passes when the score reaches `threshold`
/// (default 0.7, promptfoo's).
///
/// One completion asks for the three questions at once (promptfoo asks three times; at
/// temperature 0 that would give one question three times).
public struct AnswerRelevanceEvaluator: ModelGradedEvaluator {
    public static let defaultThreshold = 0.7

    public init() {}

    public var typeName: String { "answer-relevance" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        []
    }

    public func grade(output: String, assertion: Assertion, context: AssertionContext, grader: any ModelGrader) async -> AssertionVerdict {
        let query = context.vars["query"]?.stringValue ?? context.prompt
        guard !query.isEmpty else {
            return .error("\(assertion.type): needs the question: a \"query\" variable or the prompt")
        }
        let threshold = assertion.threshold ?? Self.defaultThreshold
        let textModel = GraderProvider.model(for: .text, assertion: assertion, context: context)
        let embeddingModel = GraderProvider.model(for: .embedding, assertion: assertion, context: context)
        let messages = GradingPrompts.relevanceQuestions(answer: output)
        let answer: String
        var metadata: [String: JSONValue]
        switch await GraderReply.ask(grader, messages, model: textModel, format: .text, for: assertion) {
        case .failed(let verdict): return verdict
        case .answered(let text, let graded): (answer, metadata) = (text, graded)
        }
        let questions = GraderAnswer.questions(answer, limit: GradingPrompts.relevanceQuestionCount)
        guard !questions.isEmpty else {
            return .failedCheck("\(assertion.type): the grader wrote no questions (it answered \(quoted(answer, limit: 160)))",
                                metadata: metadata)
        }
        metadata["generatedQuestions"] = .array(questions.map(JSONValue.string))
        let vectors: [[Double]]
        do {
            vectors = try await grader.embed(texts: [query] + questions, model: embeddingModel)
        } catch {
            return .failedCheck("\(assertion.type): the embedding model failed: \(error)", metadata: metadata)
        }
        guard vectors.count == questions.count + 1, let first = vectors.first, !first.isEmpty,
              vectors.allSatisfy({ $0.count == first.count && $0.allSatisfy(\.isFinite) }) else {
            return .failedCheck("\(assertion.type): the embedding model returned unusable vectors", metadata: metadata)
        }
        let similarities = vectors.dropFirst().map { Vectors.cosine(first, $0) }
        let score = min(1, max(0, similarities.reduce(0, +) / Double(similarities.count)))
        return .atLeast(score, threshold: threshold, label: "Relevance (mean similarity of \(questions.count) generated questions to the query)",
                        metadata: metadata)
    }
}
