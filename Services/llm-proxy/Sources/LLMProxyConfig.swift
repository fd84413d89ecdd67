import ServiceKit

/// llm-proxy's configuration, read from the environment.
public struct LLMProxyConfig: Sendable {
    public var server: ServerConfig
    /// Root URL of the local llama.cpp OpenAI-compatible server (the default backend).
    public var localURL: String
    public var ollamaURL: String?
    public var openAIURL: String?
    public var openAIKey: String?
    /// Alias → `provider/model` or bare upstream model name.
    public var aliases: [String: String]
    public var upstreamTimeout: Duration
    /// What each model's tokens cost, for `X-Response-Cost`.
    public var prices: ModelPrices

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8104)
        localURL = try env.httpURL("LOCAL_LLM_URL", default: "http://127.0.0.1:8200")
        ollamaURL = try env.optionalHTTPURL("OLLAMA_BASE_URL")
        openAIURL = try env.optionalHTTPURL("OPENAI_BASE_URL")
        openAIKey = env.optional("OPENAI_API_KEY")
        aliases = try Self.parseAliases(env.optional("MODEL_ALIASES"))
        upstreamTimeout = .seconds(try env.int("UPSTREAM_TIMEOUT_SECONDS", default: 120, range: 1...3600))
        prices = try ModelPrices.parse(env.optional("MODEL_PRICES"))
    }

    /// `MODEL_ALIASES=smollm2=ollama/smollm2:135m,fast=openai/gpt-4o-mini`
    static func parseAliases(_ raw: String?) throws(ConfigError) -> [String: String] {
        guard let raw else { return [:] }
        var aliases: [String: String] = [:]
        for entry in raw.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigError(variable: "MODEL_ALIASES", reason: "entries must look like alias=provider/model, got \"\(entry)\"")
            }
            aliases[parts[0]] = parts[1]
        }
        return aliases
    }
}
