import Foundation
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
    /// The admin an operator names at start (`ADMIN_EMAIL` + `ADMIN_PASSWORD_FILE`), if any.
    var bootstrapAdmin: BootstrapAdmin?
    /// llm-proxy, which answers the model-graded assertions of `POST /api/v1/assertions/evaluate`.
    public var llmProxyURL: String
    /// The models that grade and embed when an assertion (and the request) names none.
    public var graderModel: String
    public var graderEmbeddingModel: String
    /// The budgets on test cases, assertion evaluation, imports, runs and lists (docs/LIMITS.md).
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
        bootstrapAdmin = try Self.bootstrapAdmin(env)
        limits = try CardsAPILimits(env)
    }

    /// `ADMIN_EMAIL` with the password in `ADMIN_PASSWORD_FILE` (a mounted secret, never the
    /// environment itself); both or neither.
    static func bootstrapAdmin(_ env: EnvironmentReader) throws(ConfigError) -> BootstrapAdmin? {
        let email = env.optional("ADMIN_EMAIL")
        let file = env.optional("ADMIN_PASSWORD_FILE")
        switch (email, file) {
        case (nil, nil):
            return nil
        case (nil, .some):
            throw ConfigError(variable: "ADMIN_EMAIL", reason: "is required when ADMIN_PASSWORD_FILE is set")
        case (.some, nil):
            throw ConfigError(variable: "ADMIN_PASSWORD_FILE", reason: "is required when ADMIN_EMAIL is set")
        case (.some(let email), .some(let file)):
            guard AuthController.isPlausibleEmail(email) else {
                throw ConfigError(variable: "ADMIN_EMAIL", reason: "must be an email address")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigError(variable: "ADMIN_PASSWORD_FILE", reason: "names a file that cannot be read")
            }
            // A trailing newline is what `echo` and most secret stores leave; it is not part of the password.
            var password = String(decoding: data, as: UTF8.self)
            while password.last?.isNewline == true { password.removeLast() }
            guard password.count >= 8, password.utf8.count <= PasswordHasher.maximumBytes else {
                throw ConfigError(variable: "ADMIN_PASSWORD_FILE",
                                  reason: "must hold a password of 8 characters to \(PasswordHasher.maximumBytes) bytes")
            }
            return BootstrapAdmin(email: email, password: password)
        }
    }
}
