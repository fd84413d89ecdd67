import AsyncHTTPClient
import Foundation
import NIOCore
import ServiceKit

/// Calls llm-proxy's OpenAI-compatible chat endpoint for one prompt.
struct LLMClient: Sendable {
    struct Completion: Sendable {
        var text: String
        var promptTokens: Int
        var completionTokens: Int
        var finishReason: String?
        var latencyMs: Int
    }

    /// Whether a failed call is worth retrying (the backend was down or overloaded) or
    /// final (the request itself is wrong, e.g. an unknown model).
    struct CallFailed: Error, CustomStringConvertible {
        var description: String
        var retryable: Bool
    }

    let baseURL: String
    let timeout: Duration
    let maxTokens: Int

    func complete(model: String, prompt: String, requestID: String) async throws -> Completion {
        let body: [String: Any] = [
            "model": model, "messages": [["role": "user", "content": prompt]],
            "temperature": 0, "max_tokens": maxTokens, "stream": false,
        ]
        var request = HTTPClientRequest(url: baseURL + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "X-Request-Id", value: requestID)
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        let payload: ByteBuffer
        do {
            response = try await ServiceHTTPClient.shared.execute(request, timeout: timeout.timeAmount)
            payload = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw CallFailed(description: "llm-proxy unreachable: \(error)", retryable: true)
        }
        let elapsed = ContinuousClock.now - started
        let latency = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let object = (try? JSONSerialization.jsonObject(with: Data(payload.readableBytesView))) as? [String: Any]
        guard response.status == .ok, let object else {
            let detail = (object?["detail"] as? String) ?? (object?["error"] as? [String: Any])?["message"] as? String
                ?? String(decoding: payload.readableBytesView.prefix(300), as: UTF8.self)
            throw CallFailed(description: "llm-proxy answered \(response.status.code): \(detail)",
                             retryable: response.status.code >= 500 || response.status.code == 429)
        }
        let choice = (object["choices"] as? [[String: Any]])?.first
        let message = choice?["message"] as? [String: Any]
        let usage = object["usage"] as? [String: Any]
        return Completion(text: message?["content"] as? String ?? "",
                          promptTokens: usage?["prompt_tokens"] as? Int ?? 0,
                          completionTokens: usage?["completion_tokens"] as? Int ?? 0,
                          finishReason: choice?["finish_reason"] as? String, latencyMs: latency)
    }
}
