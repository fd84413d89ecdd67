import Hummingbird
import Logging
import ServiceKit

/// Builds the gateway: the public edge in front of cards-api and llm-proxy. Auth routes
/// pass through unauthenticated; everything else under `/api/v1` needs a valid access
/// token, checked here before any upstream is bothered.
public func buildGateway(config: GatewayConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let tokens = await AccessTokens(secret: config.jwtSecret)
    func proxy(_ name: String, _ url: String) -> ReverseProxy {
        ReverseProxy(name: name, baseURL: url, timeout: config.upstreamTimeout,
                     breaker: CircuitBreaker(threshold: config.breakerThreshold, cooldown: config.breakerCooldown),
                     maxBody: config.limits.requestBody)
    }
    let cardsAPI = proxy("cards-api", config.cardsAPIURL)
    let llmProxy = proxy("llm-proxy", config.llmProxyURL)

    let checks = [
        ReadinessCheck(name: "cards-api", componentType: "component") { try await HTTPProbe.expectOK(config.cardsAPIURL + "/health/live") },
        ReadinessCheck(name: "llm-proxy", componentType: "component") { try await HTTPProbe.expectOK(config.llmProxyURL + "/health/live") },
    ]
    let router = ServiceRouter.make(service: "gateway", checks: checks)
    let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]

    for method in methods {
        router.on("/api/v1/auth/**", method: method) { request, context in
            try await cardsAPI.forward(request, path: request.uri.path, context: context)
        }
    }
    // The API document is public, like the auth routes.
    router.get("/api/v1/openapi.json") { request, context in
        try await cardsAPI.forward(request, path: request.uri.path, context: context)
    }
    let apiKeys = CachedAPIKeyAuthenticator(cardsAPIURL: config.cardsAPIURL)
    let protected = router.group("/api/v1").add(middleware: AuthenticationMiddleware(tokens: tokens, apiKeys: apiKeys))
    for method in methods {
        protected.on("/llm/**", method: method) { request, context in
            let path = String(request.uri.path.dropFirst("/api/v1/llm".count))
            return try await llmProxy.forward(request, path: "/v1" + path, context: context)
        }
        protected.on("/**", method: method) { request, context in
            try await cardsAPI.forward(request, path: request.uri.path, context: context)
        }
    }
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server, logger: logger)
}
