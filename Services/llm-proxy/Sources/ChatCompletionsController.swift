import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceKit

/// The OpenAI-compatible surface: `POST /v1/chat/completions` (JSON or SSE) and
/// `GET /v1/models`.
struct ChatCompletionsController<Context: IdentifiedRequestContext>: Sendable {
    let router: ModelRouter
    let providers: [ModelRoute.Provider: any ChatProvider]

    func register(on routes: Router<Context>) {
        routes.post("/v1/chat/completions", use: chat)
        routes.get("/v1/models", use: models)
    }

    @Sendable func chat(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let chat = try ChatRequest(json: Data(body.readableBytesView))
        let route = try router.route(chat.model)
        guard let provider = providers[route.provider] else {
            throw APIError.validation(field: "model", reason: "provider \"\(route.provider.rawValue)\" is not supported yet")
        }
        var response = try await provider.chat(chat.addressed(to: route.upstreamModel))
        response.headers[HTTPField.Name("X-Upstream-Provider")!] = route.provider.rawValue
        return response
    }

    @Sendable func models(_ request: Request, context: Context) async throws -> Response {
        let created = Int(Date().timeIntervalSince1970)
        let list: [String: Any] = [
            "object": "list",
            "data": router.advertisedModels.map { ["id": $0, "object": "model", "created": created, "owned_by": "prompt-card-system"] },
        ]
        let data = try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
