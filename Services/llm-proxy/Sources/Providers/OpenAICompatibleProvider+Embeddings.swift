import Foundation
import NIOCore
import ServiceKit

/// Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, or the local
/// llama.cpp server started with `--embedding true`).
///
/// Two quirks of the local server (llama-cpp-python 0.3) are handled here:
/// - It offers no pooling option, and for a decoder model such as SmolLM2 llama.cpp pools
///   nothing: it answers one vector per token (`embedding` is an array of arrays). Such
///   answers are mean-pooled into the one vector per text that OpenAI's format promises.
/// - Without pooling, every text after the first of a batch is read from the wrong offset
///   (shifted by the token count of the texts before it), so the same text embeds
///   differently in second place. With `embedsOneAtATime` each text is sent alone.
extension OpenAICompatibleProvider: EmbeddingProvider {
    func embed(_ inputs: [String], model: String) async throws -> Embeddings {
        guard embedsOneAtATime, inputs.count > 1 else { return try await embedBatch(inputs, model: model) }
        var result = Embeddings(vectors: [], promptTokens: 0)
        for input in inputs {
            let one = try await embedBatch([input], model: model)
            result.vectors += one.vectors
            result.promptTokens += one.promptTokens
        }
        return result
    }

    private func embedBatch(_ inputs: [String], model: String) async throws -> Embeddings {
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey)")) }
        let body = try JSONSerialization.data(withJSONObject: ["model": model, "input": inputs] as [String: Any])
        let upstream = try await UpstreamCall.post(url: baseURL + "/embeddings", body: body, headers: headers, timeout: timeout)
        let buffer = try await UpstreamCall.collect(upstream)
        let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        guard upstream.status == .ok, let object else {
            let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? (object?["detail"] as? String)
                ?? "status \(upstream.status.code)"
            if upstream.status.code >= 500 || object == nil {
                throw APIError.badGateway("The embedding backend failed: \(message)")
            }
            throw APIError(.init(code: Int(upstream.status.code)), "The embedding backend refused the request: \(message)")
        }
        let data = (object["data"] as? [[String: Any]] ?? []).sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
        var vectors: [[Double]] = []
        for item in data {
            guard let vector = EmbeddingPooling.vector(from: item["embedding"]) else {
                throw APIError.badGateway("The embedding backend answered an embedding that is not an array of numbers")
            }
            vectors.append(vector)
        }
        guard vectors.count == inputs.count else {
            throw APIError.badGateway("The embedding backend answered \(vectors.count) embeddings for \(inputs.count) texts")
        }
        let usage = object["usage"] as? [String: Any]
        return Embeddings(vectors: vectors, promptTokens: usage?["prompt_tokens"] as? Int ?? 0)
    }
}

/// Reading an embedding from JSON: a vector, or one vector per token, averaged.
enum EmbeddingPooling {
    static func vector(from value: Any?) -> [Double]? {
        if let numbers = value as? [NSNumber], !numbers.isEmpty {
            return numbers.map(\.doubleValue)
        }
        guard let rows = value as? [[NSNumber]], let width = rows.first?.count, width > 0,
              rows.allSatisfy({ $0.count == width }) else { return nil }
        var sum = [Double](repeating: 0, count: width)
        for row in rows {
            for (i, number) in row.enumerated() { sum[i] += number.doubleValue }
        }
        return sum.map { $0 / Double(rows.count) }
    }
}
