import Budgets
import ServiceKit

/// gateway's configuration, read from the environment.
public struct GatewayConfig: Sendable {
    public var server: ServerConfig
    public var jwtSecret: String
    public var cardsAPIURL: String
    public var llmProxyURL: String
    public var realtimeURL: String
    public var upstreamTimeout: Duration
    /// Consecutive upstream failures that open an upstream's circuit, and for how long.
    public var breakerThreshold: Int
    public var breakerCooldown: Duration
    public var limits: GatewayLimits

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8100)
        jwtSecret = try env.secret("JWT_SECRET", minimumLength: 32)
        cardsAPIURL = try env.httpURL("CARDS_API_URL", default: "http://127.0.0.1:8101")
        llmProxyURL = try env.httpURL("LLM_PROXY_URL", default: "http://127.0.0.1:8104")
        realtimeURL = try env.httpURL("REALTIME_URL", default: "http://127.0.0.1:8102")
        upstreamTimeout = .seconds(try env.int("UPSTREAM_TIMEOUT_SECONDS", default: 60, range: 1...3600))
        breakerThreshold = try env.int("BREAKER_THRESHOLD", default: 5, range: 1...1000)
        breakerCooldown = .seconds(try env.int("BREAKER_COOLDOWN_SECONDS", default: 10, range: 1...3600))
        limits = try GatewayLimits(env)
    }
}
