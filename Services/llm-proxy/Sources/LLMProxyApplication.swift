import AsyncHTTPClient
import Hummingbird
import Logging
import ServiceKit

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
    let router = ServiceRouter.make(service: "llm-proxy", checks: checks)
    ChatCompletionsController(router: modelRouter, providers: providers, evidence: evidence, prices: config.prices).register(on: router)
    EmbeddingsController(router: modelRouter, providers: providers.compactMapValues { $0 as? any EmbeddingProvider },
                         evidence: evidence)
        .register(on: router)
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server, logger: logger)
}
