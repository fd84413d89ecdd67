import RedisClient
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
    /// Calls at once per deployment (a model name clients use, or `provider/model`), across
    /// every replica: `MODEL_CONCURRENCY=smollm2=1,openai/gpt-4o-mini=20`.
    public var modelConcurrency: [String: Int]
    /// Requests per minute per provider, across every replica: `PROVIDER_RPM=openai=500`.
    public var providerRPM: [String: Int]
    /// How long a call may wait for a slot or its turn before it is answered 429.
    public var limitWait: Duration
    /// Where the limits are counted (`REDIS_URL`); read only when a limit is set.
    public var redis: RedisConfiguration?
    public var redisKeyPrefix: String

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8104)
        localURL = try env.httpURL("LOCAL_LLM_URL", default: "http://127.0.0.1:8200")
        ollamaURL = try env.optionalHTTPURL("OLLAMA_BASE_URL")
        openAIURL = try env.optionalHTTPURL("OPENAI_BASE_URL")
        openAIKey = env.optional("OPENAI_API_KEY")
        aliases = try Self.parseAliases(env.optional("MODEL_ALIASES"))
        upstreamTimeout = .seconds(try env.int("UPSTREAM_TIMEOUT_SECONDS", default: 120, range: 1...3600))
        prices = try ModelPrices.parse(env.optional("MODEL_PRICES"))
        modelConcurrency = try Self.parseCounts(env.optional("MODEL_CONCURRENCY"), variable: "MODEL_CONCURRENCY", range: 1...10_000)
        providerRPM = try Self.parseCounts(env.optional("PROVIDER_RPM"), variable: "PROVIDER_RPM", range: 1...10_000_000)
        for provider in providerRPM.keys where ModelRoute.Provider(rawValue: provider) == nil {
            throw ConfigError(variable: "PROVIDER_RPM", reason: "\"\(provider)\" is not a provider (\(ModelRoute.Provider.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        limitWait = .seconds(try env.int("LIMIT_WAIT_SECONDS", default: 30, range: 0...3600))
        redisKeyPrefix = env.string("REDIS_KEY_PREFIX", default: "pcs")
        redis = modelConcurrency.isEmpty && providerRPM.isEmpty
            ? nil : try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
    }

    /// `name=count,name=count`, each count within `range`.
    static func parseCounts(_ raw: String?, variable: String, range: ClosedRange<Int>) throws(ConfigError) -> [String: Int] {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return [:] }
        var counts: [String: Int] = [:]
        for entry in raw.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), range.contains(count) else {
                throw ConfigError(variable: variable, reason: "entries must look like name=count (count \(range.lowerBound)...\(range.upperBound)), got \"\(entry)\"")
            }
            counts[parts[0]] = count
        }
        return counts
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
