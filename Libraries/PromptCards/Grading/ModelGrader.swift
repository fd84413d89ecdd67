/// A chat message sent to a grader model.
public struct GraderMessage: Sendable, Hashable, Codable {
    /// `system` or `user`.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> GraderMessage { GraderMessage(role: "system", content: content) }
    public static func user(_ content: String) -> GraderMessage { GraderMessage(role: "user", content: content) }
}

/// The form a grader's answer is asked in.
public enum GraderAnswerFormat: Sendable, Hashable {
    /// Free text.
    case text
    /// One JSON object (OpenAI's `response_format: json_object`, which llama.cpp and Ollama
    /// enforce with a grammar, so even a small model answers parseable JSON).
    case json
}

/// The models that model-graded assertions consult. PromptCards stays free of I/O: the
/// services implement this over llm-proxy (`LLMProxyGrader`), tests may use a real local one.
public protocol ModelGrader: Sendable {
    /// The text a chat model answers to `messages`, deterministically (temperature 0), in
    /// `format`. `model` is the assertion's (or the suite's) grader, nil for the grader's own default.
    func complete(messages: [GraderMessage], model: String?, format: GraderAnswerFormat) async throws -> String

    /// One embedding vector per text, in order. `model` as for `complete`.
    func embed(texts: [String], model: String?) async throws -> [[Double]]
}

/// An evaluator that needs a grader model. The engine calls `grade` when it has a
/// `ModelGrader`; the synchronous `evaluate` explains that one is needed.
public protocol ModelGradedEvaluator: AssertionEvaluator {
    func grade(output: String, assertion: Assertion, context: AssertionContext, grader: any ModelGrader) async -> AssertionVerdict
}

extension ModelGradedEvaluator {
    public func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
        .error("\(assertion.type): needs a grader model, and none is available where this assertion was evaluated")
    }
}
