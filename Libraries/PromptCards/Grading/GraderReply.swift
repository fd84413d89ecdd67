import JSONCore

/// What asking the grader model gave: its answer with the grading metadata every
/// model-graded verdict carries, or the verdict for a model that could not answer.
enum GraderReply {
    case answered(String, metadata: [String: JSONValue])
    case failed(AssertionVerdict)

    static func ask(_ grader: any ModelGrader, _ messages: [GraderMessage], model: String?, format: GraderAnswerFormat,
                    for assertion: Assertion) async -> GraderReply {
        do {
            let answer = try await grader.complete(messages: messages, model: model, format: format)
            return .answered(answer, metadata: GradingPrompts.metadata(messages, model: model, response: answer))
        } catch {
            return .failed(.failedCheck("\(assertion.type): the grader model failed: \(error)",
                                        metadata: GradingPrompts.metadata(messages, model: model, response: nil)))
        }
    }

    /// The verdict for an answer the grader gave in the wrong shape.
    static func unusable(_ answer: String, reason: String, metadata: [String: JSONValue], for assertion: Assertion) -> AssertionVerdict {
        .failedCheck("\(assertion.type): the grader's answer cannot be used: \(reason) (it answered \(quoted(answer, limit: 160)))",
                     metadata: metadata)
    }
}
