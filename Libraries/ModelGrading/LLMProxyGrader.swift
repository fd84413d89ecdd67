import AsyncHTTPClient
import Foundation
import NIOCore
import PromptCards

/// The `ModelGrader` of the services: llm-proxy's OpenAI-compatible chat completions and
/// embeddings. Grading calls run at temperature 0 with a bounded answer length; the models
/// default to `defaultModel` / `defaultEmbeddingModel` when an assertion names none.
public struct LLMProxyGrader: ModelGrader {
    /// A grader call that did not produce an answer, with llm-proxy's explanation.
    public struct CallFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// llm-proxy's root URL (`http://127.0.0.1:8104`).
    public let baseURL: String
    /// The chat model used when an assertion (and the suite) names none.
    public let defaultModel: String
    /// The embedding model used when an assertion (and the suite) names none.
    public let defaultEmbeddingModel: String
    public let timeout: Duration
    /// The longest grader answer, in tokens.
    public let maxTokens: Int

    public init(baseURL: String, defaultModel: String = "smollm2", defaultEmbeddingModel: String = "smollm2",
                timeout: Duration = .seconds(120), maxTokens: Int = 256) {
        self.baseURL = baseURL
        self.defaultModel = defaultModel
        self.defaultEmbeddingModel = defaultEmbeddingModel
        self.timeout = timeout
        self.maxTokens = maxTokens
    }

    public func complete(messages: [GraderMessage], model: String?, format: GraderAnswerFormat) async throws -> String {
        var body: [String: Any] = [
            "model": model ?? defaultModel,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
            "temperature": 0, "max_tokens": maxTokens, "stream": false,
        ]
        if format == .json { body["response_format"] = ["type": "json_object"] }
        let object = try await post("/v1/chat/completions", body: body)
        guard let choice = (object["choices"] as? [[String: Any]])?.first,
              let content = (choice["message"] as? [String: Any])?["content"] as? String else {
            throw CallFailed(description: "llm-proxy answered a chat completion without a message")
        }
        return content
    }

    public func embed(texts: [String], model: String?) async throws -> [[Double]] {
        let object = try await post("/v1/embeddings", body: ["model": model ?? defaultEmbeddingModel, "input": texts])
        let data = (object["data"] as? [[String: Any]] ?? []).sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
        let vectors = data.compactMap { ($0["embedding"] as? [NSNumber])?.map(\.doubleValue) }
        guard vectors.count == texts.count else {
            throw CallFailed(description: "llm-proxy answered \(vectors.count) embeddings for \(texts.count) texts")
        }
        return vectors
    }

    private func post(_ path: String, body: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        let payload: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
            payload = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw CallFailed(description: "llm-proxy could not be reached (\(error))")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(payload.readableBytesView))) as? [String: Any]
        guard response.status == .ok, let object else {
            let detail = (object?["detail"] as? String) ?? ((object?["error"] as? [String: Any])?["message"] as? String)
                ?? String(decoding: payload.readableBytesView.prefix(300), as: UTF8.self)
            throw CallFailed(description: "llm-proxy answered \(response.status.code): \(detail)")
        }
        return object
    }
}
