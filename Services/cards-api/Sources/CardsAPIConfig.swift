import PostgresNIO
import RedisClient
import ServiceKit
import Storage

/// cards-api's configuration, read from the environment.
public struct CardsAPIConfig: Sendable {
    public var server: ServerConfig
    public var database: PostgresClient.Configuration
    /// The database again, for the one session that LISTENs for card changes
    /// (`DATABASE_LISTEN_URL`, by default `DATABASE_URL`).
    public var databaseSession: PostgresConnection.Configuration
    /// What each instance keeps of cards and list pages (see `CardCache`).
    public var cardCache: CardCacheLimits
    public var redis: RedisConfiguration
    public var redisKeyPrefix: String
    public var jwtSecret: String
    public var accessTokenLifetime: Duration
    public var refreshTokenLifetime: Duration
    /// bcrypt work factor; 10 takes ~60 ms on these machines, 12 four times that.
    public var bcryptCost: Int
    /// Accounts registered with these emails get the `admin` role.
    public var adminEmails: Set<String>
    /// llm-proxy, which answers the model-graded assertions of `POST /api/v1/assertions/evaluate`.
    public var llmProxyURL: String
    /// The models that grade and embed when an assertion (and the request) names none.
    public var graderModel: String
    public var graderEmbeddingModel: String
    /// The budgets on test cases, assertion evaluation and imports (`MAX_…` variables).
    public var limits: CardsAPILimits

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8101)
        database = try env.parsed("DATABASE_URL", DatabaseURL.configuration)
        // LISTEN needs a real session: behind a transaction-pooling proxy (PgBouncer in
        // transaction mode) notifications would go astray, so it may point elsewhere.
        databaseSession = try env.parsed("DATABASE_LISTEN_URL", default: env.optional("DATABASE_URL")) {
            try DatabaseURL.connectionConfiguration(from: $0, applicationName: CardChangeFeed.applicationName)
        }
        cardCache = CardCacheLimits(
            bytes: try env.int("CARD_CACHE_MB", default: 64, range: 0...65_536) << 20,
            timeToLive: .seconds(try env.int("CARD_CACHE_TTL_SECONDS", default: 60, range: 1...86_400)))
        redis = try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
        redisKeyPrefix = env.string("REDIS_KEY_PREFIX", default: "pcs")
        jwtSecret = try env.secret("JWT_SECRET", minimumLength: 32)
        accessTokenLifetime = .seconds(try env.int("ACCESS_TOKEN_TTL_SECONDS", default: 900, range: 30...86_400))
        refreshTokenLifetime = .seconds(try env.int("REFRESH_TOKEN_TTL_DAYS", default: 30, range: 1...365) * 86_400)
        bcryptCost = try env.int("BCRYPT_COST", default: 10, range: 4...16)
        llmProxyURL = try env.httpURL("LLM_PROXY_URL", default: "http://127.0.0.1:8104")
        graderModel = env.string("GRADER_MODEL", default: "smollm2")
        graderEmbeddingModel = env.string("GRADER_EMBEDDING_MODEL", default: graderModel)
        limits = try CardsAPILimits(env)
        adminEmails = Set((env.optional("ADMIN_EMAILS") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }
}
