import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ServiceKit

/// An OpenAI-compatible upstream (OpenAI itself, or the local llama.cpp server): the
/// request and the answer — JSON or the SSE stream — pass through as they are.
struct OpenAICompatibleProvider: ChatProvider {
    /// Base URL including the version path, e.g. `http://127.0.0.1:8200/v1`.
    let baseURL: String
    let apiKey: String?
    let timeout: Duration
    /// Whether embeddings are requested one text at a time (the local llama.cpp server
    /// mis-reads batches; see `embed(_:model:)`).
    var embedsOneAtATime = false

    func chat(_ request: ChatRequest) async throws -> ChatAnswer {
        var headers: [(String, String)] = []
        if let apiKey { headers.append(("authorization", "Bearer \(apiKey)")) }
        let upstream = try await UpstreamCall.post(url: baseURL + "/chat/completions", body: request.json,
                                                   headers: headers, timeout: timeout)
        let status = HTTPResponse.Status(code: Int(upstream.status.code))
        if request.stream, upstream.status == .ok {
            return .stream(ResponseBody(asyncSequence: upstream.body))
        }
        let buffer = try await UpstreamCall.collect(upstream)
        if upstream.status.code >= 500 {
            throw APIError.badGateway("The model backend failed with status \(upstream.status.code)")
        }
        return .document(status, buffer, retryAfter: upstream.headers.first(name: "retry-after"))
    }
}
