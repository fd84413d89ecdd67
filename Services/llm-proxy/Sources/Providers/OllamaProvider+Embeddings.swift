import Foundation
import NIOCore
import ServiceKit

/// Embeddings from Ollama's `/api/embed` (`{model, input}` → `{embeddings: [[…]]}`).
extension OllamaProvider: EmbeddingProvider {
    func embed(_ inputs: [String], model: String) async throws -> Embeddings {
        let body = try JSONSerialization.data(withJSONObject: ["model": model, "input": inputs] as [String: Any])
        let upstream = try await UpstreamCall.post(url: baseURL + "/api/embed", body: body, headers: [], timeout: timeout)
        let buffer = try await UpstreamCall.collect(upstream)
        guard upstream.status == .ok else {
            let message = Self.errorMessage(buffer) ?? "status \(upstream.status.code)"
            if upstream.status.code >= 500 { throw APIError.badGateway("Ollama failed: \(message)") }
            throw APIError(.init(code: Int(upstream.status.code)), "Ollama refused the request: \(message)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
              let rows = object["embeddings"] as? [Any] else {
            throw APIError.badGateway("Ollama answered something that is not an embeddings response")
        }
        let vectors = rows.compactMap { EmbeddingPooling.vector(from: $0) }
        guard vectors.count == inputs.count else {
            throw APIError.badGateway("Ollama answered \(vectors.count) embeddings for \(inputs.count) texts")
        }
        return Embeddings(vectors: vectors, promptTokens: object["prompt_eval_count"] as? Int ?? 0)
    }
}
