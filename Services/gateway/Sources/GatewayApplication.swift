import Hummingbird
import HummingbirdCore
import Logging
import RateLimiting
import RedisClient
import ServiceLifecycle
import ServiceKit

/// Builds the gateway: the public edge in front of cards-api, llm-proxy and realtime. Every
/// public path goes through one handler (`EdgeRequest`) that follows the route table; the
/// daemon's own health and metrics routes are the only others.
public func buildGateway(config: GatewayConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let tokens = await AccessTokens(secret: config.jwtSecret)
    let metrics = GatewayMetrics()
    let urls = ["cards-api": config.cardsAPIURL, "llm-proxy": config.llmProxyURL, "realtime": config.realtimeURL]
    var upstreams: [String: ReverseProxy] = [:]
    for (name, url) in urls {
        upstreams[name] = ReverseProxy(
            name: name, baseURL: url, timeout: config.upstreamTimeout,
            breaker: CircuitBreaker(threshold: config.breakerThreshold, cooldown: config.breakerCooldown),
            maxBody: config.limits.requestBody, metrics: GatewayMetrics.Upstream(name: name))
    }
    var services: [any Service] = []
    var limiter: RateLimiter?
    if config.rateLimits != nil {
        let redis = RedisClient(configuration: config.redis)
        services.append(RedisClientService(client: redis))
        let rateLimiter = RateLimiter(redis: redis, name: "gateway", failureMode: config.rateLimitFailureMode,
                                      timeout: config.rateLimitTimeout, logger: logger)
        services.append(RateLimiterWarmup(limiter: rateLimiter))
        limiter = rateLimiter
    }
    let apiKeys = CachedAPIKeyAuthenticator(cardsAPIURL: config.cardsAPIURL)
    let edge = EdgeRequest(
        routes: config.routes, upstreams: upstreams,
        authentication: AuthenticationMiddleware(tokens: tokens, apiKeys: apiKeys),
        queryAuthentication: AuthenticationMiddleware(tokens: tokens, apiKeys: apiKeys, acceptingTokenInQuery: true),
        rateLimits: config.rateLimits, limiter: limiter, keys: RedisKeys(prefix: config.redisKeyPrefix),
        forwardedFor: ForwardedFor(trusted: config.trustedProxies), cors: config.cors,
        upstreamTimeout: config.upstreamTimeout, metrics: metrics)

    let checks = [
        ReadinessCheck(name: "cards-api", componentType: "component") { try await HTTPProbe.expectOK(config.cardsAPIURL + "/health/live") },
        ReadinessCheck(name: "llm-proxy", componentType: "component") { try await HTTPProbe.expectOK(config.llmProxyURL + "/health/live") },
    ]
    let router = ServiceRouter.make(service: "gateway", checks: checks)
    let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]
    for method in methods {
        router.on("/**", method: method) { request, context in try await edge.handle(request, context: context) }
    }
    // Headers small enough that nobody parks megabytes in them; a caller idle this long is let go.
    let http = HTTPServerBuilder.http1(configuration: .init(
        additionalChannelHandlers: [CallerDisconnect.HangUpHandler()], idleTimeout: config.idleTimeout.timeAmount,
        httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)))
    return ServiceRouter.application(responder: EdgeResponder(inner: router.buildResponder(), cors: config.cors),
                                     server: config.server, services: services, logger: logger, http: http)
}
