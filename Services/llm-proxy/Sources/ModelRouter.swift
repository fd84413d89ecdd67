import ServiceKit

/// Where a model name goes: a provider and the model name the upstream knows.
public struct ModelRoute: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable {
        case local, openai, ollama, anthropic
    }

    public var provider: Provider
    public var upstreamModel: String
}

/// Resolves the model names clients use. `smollm2` (the suite's default) goes to the
/// default backend: Ollama when `OLLAMA_BASE_URL` is set, else the OpenAI-compatible
/// `OPENAI_BASE_URL`, else the local llama.cpp server. `provider/model` picks explicitly.
public struct ModelRouter: Sendable {
    public static let defaultModel = "smollm2"

    let aliases: [String: String]
    let defaultProvider: ModelRoute.Provider
    let configured: Set<ModelRoute.Provider>

    public init(config: LLMProxyConfig) {
        var configured: Set<ModelRoute.Provider> = [.local]
        if config.ollamaURL != nil { configured.insert(.ollama) }
        if config.openAIURL != nil || config.openAIKey != nil { configured.insert(.openai) }
        self.configured = configured
        self.defaultProvider = config.ollamaURL != nil ? .ollama : (config.openAIURL != nil ? .openai : .local)
        var aliases = config.aliases
        if aliases[Self.defaultModel] == nil {
            // The names each backend knows SmolLM2-135M by.
            switch defaultProvider {
            case .ollama: aliases[Self.defaultModel] = "ollama/smollm2:135m"
            case .openai: aliases[Self.defaultModel] = "openai/smollm2"
            default: aliases[Self.defaultModel] = "local/smollm2"
            }
        }
        self.aliases = aliases
    }

    public func route(_ model: String) throws(APIError) -> ModelRoute {
        let name = aliases[model] ?? model
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        let route: ModelRoute
        if parts.count == 2, let provider = ModelRoute.Provider(rawValue: parts[0].lowercased()) {
            route = ModelRoute(provider: provider, upstreamModel: parts[1])
        } else {
            route = ModelRoute(provider: defaultProvider, upstreamModel: name)
        }
        guard !route.upstreamModel.isEmpty else { throw APIError.validation(field: "model", reason: "must name a model") }
        guard configured.contains(route.provider) else {
            throw APIError.validation(field: "model", reason: "provider \"\(route.provider.rawValue)\" is not configured on this proxy")
        }
        return route
    }

    /// The model names this proxy advertises on `/v1/models`.
    public var advertisedModels: [String] { aliases.keys.sorted() }
}
