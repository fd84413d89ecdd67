import AsyncHTTPClient
import Hummingbird
import Logging
import RateLimiting
import RedisClient
import ServiceKit
import ServiceLifecycle

/// Builds llm-proxy: chat completions and embeddings, their providers and its readiness check (the default
/// backend answers). The executable and the tests both call this.
public func buildLLMProxy(config: LLMProxyConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let modelRouter = ModelRouter(config: config)
    var providers: [ModelRoute.Provider: any ChatProvider] = [
        .local: OpenAICompatibleProvider(baseURL: config.localURL + "/v1", apiKey: nil, timeout: config.upstreamTimeout,
                                         embedsOneAtATime: true),
    ]
    if let ollama = config.ollamaURL {
        providers[.ollama] = OllamaProvider(baseURL: ollama, timeout: config.upstreamTimeout)
    }
    if config.openAIURL != nil || config.openAIKey != nil {
        providers[.openai] = OpenAICompatibleProvider(
            baseURL: config.openAIURL ?? "https://api.openai.com/v1", apiKey: config.openAIKey, timeout: config.upstreamTimeout)
    }
    let defaultBackend = try modelRouter.route(ModelRouter.defaultModel).provider
    let backendProbe = defaultBackend == .ollama
        ? (config.ollamaURL ?? "") + "/api/tags"
        : (config.ollamaURL == nil && config.openAIURL != nil ? config.openAIURL! + "/models" : config.localURL + "/v1/models")
    let evidence = BackendEvidence(provider: defaultBackend)
    let checks = [ReadinessCheck(name: "llm-backend", componentType: "component") {
        try await evidence.check { try await HTTPProbe.expectOK(backendProbe) }
    }]
    var services: [any Service] = []
    var limits: UpstreamLimits?
    if let redisConfiguration = config.redis {
        let redis = RedisClient(configuration: redisConfiguration)
        services.append(RedisClientService(client: redis))
        limits = try upstreamLimits(config: config, router: modelRouter, redis: redis, logger: logger)
    }
    let router = ServiceRouter.make(service: "llm-proxy", checks: checks)
    ChatCompletionsController(router: modelRouter, providers: providers, evidence: evidence, prices: config.prices,
                              limits: limits).register(on: router)
    EmbeddingsController(router: modelRouter, providers: providers.compactMapValues { $0 as? any EmbeddingProvider },
                         evidence: evidence, limits: limits)
        .register(on: router)
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server, services: services,
                                     logger: logger, http: CallerDisconnect.http1)
}

/// The configured limits, each deployment named as clients name it resolved to the one it
/// routes to, so `smollm2=1` and `local/smollm2=1` are the same limit.
func upstreamLimits(config: LLMProxyConfig, router: ModelRouter, redis: RedisClient, logger: Logger) throws -> UpstreamLimits {
    let base = "\(config.redisKeyPrefix):limits"
    var slots: [String: ConcurrencySlots] = [:]
    for (name, limit) in config.modelConcurrency {
        let route: ModelRoute
        do {
            route = try router.route(name)
        } catch {
            throw ConfigError(variable: "MODEL_CONCURRENCY", reason: "\(name): \(error.detail)")
        }
        let deployment = UpstreamLimits.deployment(route)
        // A slot outlives the longest call by a margin: a replica that died holding one gives it back then.
        slots[deployment] = ConcurrencySlots(redis: redis, key: "\(base):model:\(deployment)", limit: limit,
                                             lease: config.upstreamTimeout + .seconds(60))
    }
    var rates: [ModelRoute.Provider: RequestRate] = [:]
    for (name, limit) in config.providerRPM {
        guard let provider = ModelRoute.Provider(rawValue: name) else { continue }
        rates[provider] = RequestRate(redis: redis, key: "\(base):provider:\(name)", limit: limit)
    }
    return UpstreamLimits(slots: slots, rates: rates, wait: config.limitWait, logger: logger)
}
