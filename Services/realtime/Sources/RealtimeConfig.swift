import RedisClient
import ServiceKit

/// realtime's configuration, read from the environment.
public struct RealtimeConfig: Sendable {
    public var server: ServerConfig
    public var redis: RedisConfiguration
    public var redisKeyPrefix: String
    public var jwtSecret: String
    /// cards-api, which says who may read a `run:` or `card:` channel.
    public var cardsAPIURL: String
    /// Connection caps, subscribe rate, queue bound (BudgetCatalog+Realtime).
    public var limits: RealtimeLimits
    /// How long a refused channel (missing, or another user's) is remembered, so asking for it
    /// again costs no cards-api call.
    public var refusalTTL: Duration

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8102)
        redis = try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
        redisKeyPrefix = env.string("REDIS_KEY_PREFIX", default: "pcs")
        jwtSecret = try env.secret("JWT_SECRET", minimumLength: 32)
        cardsAPIURL = try env.httpURL("CARDS_API_URL", default: "http://127.0.0.1:8101")
        limits = try RealtimeLimits(env)
        refusalTTL = .seconds(try env.int("CHANNEL_REFUSAL_TTL_SECONDS", default: 30, range: 1...3600))
    }
}
