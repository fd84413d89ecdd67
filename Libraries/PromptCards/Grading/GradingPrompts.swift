/// The prompts model-graded types send, in promptfoo's shapes: the rubric grader answers
/// `{reason, score, pass}`, the factuality grader picks one of OpenAI's categories A–E, and
/// answer relevance asks for questions the output answers.
enum GradingPrompts {
    static func rubric(output: String, rubric: String) -> [GraderMessage] {
        [
            .system("""
                You grade an output against a rubric. If what the rubric states is true of the output, the output passes.
                Answer with one JSON object and nothing else: {"reason": "<why>", "score": <a number from 0.0 to 1.0>, "pass": <true or false>}

                Examples:

                Output: Good morning, how can I help?
                Rubric: Is a greeting
                {"reason": "the output opens with 'Good morning'", "score": 1.0, "pass": true}

                Output: The answer is 42.
                Rubric: Apologises to the user
                {"reason": "there is no apology in the output", "score": 0.0, "pass": false}
                """),
            .user("<Output>\n\(output)\n</Output>\n<Rubric>\n\(rubric)\n</Rubric>"),
        ]
    }

    static func factuality(question: String, expert: String, submission: String) -> [GraderMessage] {
        [
            .system("""
                You compare the facts of a submitted answer with those of an expert answer to the same question. Ignore differences of style, grammar and punctuation.
                Pick exactly one category:
                (A) The submitted answer is a subset of the expert answer and fully consistent with it.
                (B) The submitted answer is a superset of the expert answer and fully consistent with it.
                (C) The submitted answer contains all the same details as the expert answer.
                (D) The submitted answer disagrees with the expert answer.
                (E) The answers differ, but the differences do not matter for factuality.
                Answer with one JSON object and nothing else: {"category": "<A, B, C, D or E>", "reason": "<why>"}
                """),
            .user("""
                [Question]: \(question)
                [Expert]: \(expert)
                [Submission]: \(submission)
                """),
        ]
    }

    /// How many questions answer relevance asks for.
    static let relevanceQuestionCount = 3

    static func relevanceQuestions(answer: String) -> [GraderMessage] {
        [
            .system("""
                Write \(relevanceQuestionCount) different questions that the given answer answers. \
                Write one question per line and nothing else: no numbering, no introduction.
                """),
            .user("Answer: \(answer)"),
        ]
    }

    /// The messages as promptfoo shows a grading prompt: a JSON array of `{role, content}`.
    static func text(_ messages: [GraderMessage]) -> String {
        JSONValue.array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }).jsonText
    }

    /// The metadata every model-graded result carries: what was asked, of which model, and the answer.
    static func metadata(_ messages: [GraderMessage], model: String?, response: String?) -> [String: JSONValue] {
        var metadata: [String: JSONValue] = [
            "renderedGradingPrompt": .string(text(messages)),
            "provider": .string(model ?? "default"),
        ]
        if let response { metadata["graderResponse"] = .string(response) }
        return metadata
    }
}
