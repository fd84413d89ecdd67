import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit

/// `POST /v1/embeddings` in OpenAI's format, routed like chat: `smollm2` and bare names to the
/// default backend, `provider/model` explicitly.
struct EmbeddingsController<Context: IdentifiedRequestContext>: Sendable {
    let router: ModelRouter
    let providers: [ModelRoute.Provider: any EmbeddingProvider]
    /// Told when the default backend answers, so readiness need not queue a probe behind generations.
    let evidence: BackendEvidence
    let limits: UpstreamLimits?

    func register(on routes: Router<Context>) {
        routes.post("/v1/embeddings", use: embed)
    }

    @Sendable func embed(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let embedding = try EmbeddingRequest(json: Data(body.readableBytesView))
        let route = try router.route(embedding.model)
        guard let provider = providers[route.provider] else {
            throw APIError.validation(field: "model", reason: "provider \"\(route.provider.rawValue)\" does not offer embeddings here")
        }
        let admission = try await limits?.admit(route) ?? .none
        let result: Embeddings
        do {
            result = try await provider.embed(embedding.inputs, model: route.upstreamModel)
            await admission.release()
        } catch {
            await admission.release()
            throw error
        }
        evidence.answered(by: route)
        let answer: [String: Any] = [
            "object": "list",
            "model": embedding.model,
            "data": result.vectors.enumerated().map { ["object": "embedding", "index": $0.offset, "embedding": $0.element] },
            "usage": ["prompt_tokens": result.promptTokens, "total_tokens": result.promptTokens],
        ]
        let data = try JSONSerialization.data(withJSONObject: answer)
        var response = Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        response.headers[.upstreamProvider] = route.provider.rawValue
        return response
    }
}
