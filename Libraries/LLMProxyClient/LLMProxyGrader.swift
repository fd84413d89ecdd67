import PromptCards

/// The `ModelGrader` of the services: llm-proxy's chat completions and embeddings, through
/// `LLMProxyClient`. Grading calls run at temperature 0 with a bounded answer length; the
/// models default to `defaultModel` / `defaultEmbeddingModel` when an assertion names none.
public struct LLMProxyGrader: ModelGrader {
    public let client: LLMProxyClient
    /// The chat model used when an assertion (and the suite) names none.
    public let defaultModel: String
    /// The embedding model used when an assertion (and the suite) names none.
    public let defaultEmbeddingModel: String
    /// The longest grader answer, in tokens.
    public let maxTokens: Int

    public init(client: LLMProxyClient, defaultModel: String = "smollm2", defaultEmbeddingModel: String = "smollm2",
                maxTokens: Int = 256) {
        self.client = client
        self.defaultModel = defaultModel
        self.defaultEmbeddingModel = defaultEmbeddingModel
        self.maxTokens = maxTokens
    }

    public func complete(messages: [GraderMessage], model: String?, format: GraderAnswerFormat) async throws -> String {
        let request = ChatCompletionRequest(model: model ?? defaultModel,
                                            messages: messages,
                                            temperature: 0, maxTokens: maxTokens, wantsJSON: format == .json)
        return try await client.chat(request).text
    }

    public func embed(texts: [String], model: String?) async throws -> [[Double]] {
        try await client.embed(texts, model: model ?? defaultEmbeddingModel)
    }
}
