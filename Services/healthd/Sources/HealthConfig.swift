import PostgresNIO
import RedisClient
import ServiceKit
import Storage

/// healthd's configuration, read from the environment.
public struct HealthConfig: Sendable {
    public var server: ServerConfig
    public var database: PostgresClient.Configuration
    public var redis: RedisConfiguration
    /// The daemons to probe, by name.
    public var daemons: [(name: String, url: String)]
    public var interval: Duration
    public var timeout: Duration
    /// An event left in the outbox longer than this fails the (non-critical) `event-outbox` check.
    public var outboxMaxAge: Duration

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8105)
        database = try env.parsed("DATABASE_URL", DatabaseURL.configuration)
        redis = try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
        daemons = [
            ("gateway", try env.httpURL("GATEWAY_URL", default: "http://127.0.0.1:8100")),
            ("cards-api", try env.httpURL("CARDS_API_URL", default: "http://127.0.0.1:8101")),
            ("realtime", try env.httpURL("REALTIME_URL", default: "http://127.0.0.1:8102")),
            ("queue-worker", try env.httpURL("QUEUE_WORKER_URL", default: "http://127.0.0.1:8103")),
            ("llm-proxy", try env.httpURL("LLM_PROXY_URL", default: "http://127.0.0.1:8104")),
        ]
        interval = .milliseconds(try env.int("PROBE_INTERVAL_MS", default: 5000, range: 100...600_000))
        timeout = .milliseconds(try env.int("PROBE_TIMEOUT_MS", default: 2000, range: 50...60_000))
        outboxMaxAge = .seconds(try env.int("OUTBOX_MAX_AGE_SECONDS", default: 30, range: 1...86_400))
    }
}
