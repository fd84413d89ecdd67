import Foundation

/// llm-proxy's answer to one chat call, and what the call cost.
public struct ChatCompletion: Sendable, Equatable {
    public var text: String
    /// `stop`, `length`, … as the backend reported it.
    public var finishReason: String?
    public var promptTokens: Int
    public var completionTokens: Int
    /// Dollars, as llm-proxy priced the call (`X-Response-Cost`); nil when it could not
    /// (a paid model without a price, or a streamed answer).
    public var cost: Double?
    /// Wall-clock time of the call as this client saw it.
    public var latencyMs: Int
    /// The provider that answered (`X-Upstream-Provider`).
    public var provider: String?

    public init(text: String, finishReason: String?, promptTokens: Int, completionTokens: Int, cost: Double?,
                latencyMs: Int, provider: String?) {
        self.text = text
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.latencyMs = latencyMs
        self.provider = provider
    }
}

/// The parts of OpenAI's `chat.completion` and `chat.completion.chunk` this client reads.
struct WireCompletion: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { let content: String? }
        let message: Message?
        let delta: Message?
        let finish_reason: String?
    }

    struct Usage: Decodable {
        let prompt_tokens: Int?
        let completion_tokens: Int?
    }

    let choices: [Choice]?
    let usage: Usage?
}

/// `{"data":[{"index":0,"embedding":[…]}]}`.
struct WireEmbeddings: Decodable {
    struct Item: Decodable {
        let index: Int?
        let embedding: [Double]
    }

    let data: [Item]
}

/// An error body: llm-proxy's problem+json (`detail`), or OpenAI's `error.message`.
struct WireProblem: Decodable {
    struct Inner: Decodable { let message: String? }
    let detail: String?
    let error: Inner?

    static func explanation(of body: Data) -> String {
        let problem = try? JSONDecoder().decode(WireProblem.self, from: body)
        return problem?.detail ?? problem?.error?.message ?? String(decoding: body.prefix(300), as: UTF8.self)
    }
}
