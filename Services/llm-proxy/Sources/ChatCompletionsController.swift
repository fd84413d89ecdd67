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
    /// Told when the default backend answers, so readiness need not queue a probe behind generations.
    let evidence: BackendEvidence
    let prices: ModelPrices
    /// Calls at once per deployment and requests per minute per provider, across replicas.
    let limits: UpstreamLimits?

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
        let (limits, upstreamRequest) = (self.limits, chat.addressed(to: route.upstreamModel))
        // Waiting for a slot and for the model both end when the caller hangs up (a job was
        // cancelled, a client gave up): the upstream call is cancelled, not left to run.
        let admission = try await CallerDisconnect.cancelling(on: context.channel) {
            try await limits?.admit(route) ?? .none
        }
        let answer: ChatAnswer
        do {
            answer = try await CallerDisconnect.cancelling(on: context.channel) { try await provider.chat(upstreamRequest) }
        } catch {
            await admission.release()
            throw error
        }
        evidence.answered(by: route)
        var headers: HTTPFields = [HTTPField.Name.upstreamProvider: route.provider.rawValue]
        switch answer {
        case .stream(let body):
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            // The slot is held until the last chunk is written (or the stream breaks).
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                do {
                    try await body.write(writer)
                } catch {
                    await admission.release()
                    throw error
                }
                await admission.release()
            })
        case .document(let status, let buffer, let retryAfter):
            await admission.release()
            headers[.contentType] = "application/json"
            if let retryAfter { headers[.retryAfter] = retryAfter }
            if status == .ok, let cost = cost(of: buffer, route: route) {
                headers[.responseCost] = "\(cost)"
            }
            return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
        }
    }

    /// The call's price from the usage the answer reports, when the model has one.
    private func cost(of answer: ByteBuffer, route: ModelRoute) -> Double? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView)) as? [String: Any],
              let usage = object["usage"] as? [String: Any] else { return nil }
        return prices.cost(of: route, promptTokens: usage["prompt_tokens"] as? Int ?? 0,
                           completionTokens: usage["completion_tokens"] as? Int ?? 0)
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

extension HTTPField.Name {
    /// Which provider answered (`local`, `ollama`, `openai`).
    static let upstreamProvider = Self("X-Upstream-Provider")!
    /// What the call cost in dollars, from its usage and the price table (absent when the
    /// model's price is unknown, and on streamed answers).
    static let responseCost = Self("X-Response-Cost")!
}
