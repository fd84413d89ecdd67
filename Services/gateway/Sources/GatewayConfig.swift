import Budgets
import Foundation
import RateLimiting
import RedisClient
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
    public var redis: RedisConfiguration
    public var redisKeyPrefix: String
    var routes: RouteTable
    /// nil when `GATEWAY_RATE_LIMITS=off`.
    var rateLimits: GatewayRateLimits?
    public var rateLimitFailureMode: RateLimiter.FailureMode
    public var rateLimitTimeout: Duration
    var trustedProxies: [IPNetwork]
    var cors: CORSPolicy
    /// A connection that sends nothing for this long is closed (slow or stuck clients).
    public var idleTimeout: Duration

    /// The upstream names a route table may use.
    static let upstreamNames: Set<String> = ["cards-api", "llm-proxy", "realtime"]

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
        redis = try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
        redisKeyPrefix = env.string("REDIS_KEY_PREFIX", default: "pcs")
        routes = try RouteTable(parsing: Self.table(env, file: "GATEWAY_ROUTES_FILE") ?? RouteTable.standard,
                                source: env.optional("GATEWAY_ROUTES_FILE") ?? "the standard route table",
                                upstreams: Self.upstreamNames)
        if env.optional("GATEWAY_RATE_LIMITS")?.lowercased() == "off" {
            rateLimits = nil
        } else {
            let (text, source): (String, String) = if let inline = env.optional("GATEWAY_RATE_LIMITS") {
                (inline, "GATEWAY_RATE_LIMITS")
            } else if let file = try Self.table(env, file: "GATEWAY_RATE_LIMITS_FILE") {
                (file, env.optional("GATEWAY_RATE_LIMITS_FILE") ?? "")
            } else {
                (GatewayRateLimits.standard, "the standard rate limits")
            }
            rateLimits = try GatewayRateLimits(parsing: text, source: source)
        }
        rateLimitFailureMode = try env.parsed("RATE_LIMIT_FAILURE_MODE", default: "open") { raw throws(ConfigError) in
            guard let mode = RateLimiter.FailureMode(rawValue: raw.lowercased()) else {
                throw ConfigError(variable: "RATE_LIMIT_FAILURE_MODE", reason: "is open or closed, not \"\(raw)\"")
            }
            return mode
        }
        rateLimitTimeout = .milliseconds(try env.int("RATE_LIMIT_TIMEOUT_MS", default: 50, range: 1...5_000))
        var trusted: [IPNetwork] = []
        for entry in (env.optional("TRUSTED_PROXIES") ?? "").split(separator: ",") {
            let text = entry.trimmingASCIIWhitespace()
            guard !text.isEmpty else { continue }
            guard let network = IPNetwork(text) else {
                throw ConfigError(variable: "TRUSTED_PROXIES", reason: "\"\(text)\" is not an IP address or CIDR range")
            }
            trusted.append(network)
        }
        trustedProxies = trusted
        cors = CORSPolicy(allowed: env.optional("CORS_ALLOWED_ORIGINS") ?? "")
        idleTimeout = .seconds(try env.int("GATEWAY_IDLE_TIMEOUT_SECONDS", default: 75, range: 1...3600))
    }

    /// The contents of the table file a variable names, if it names one.
    static func table(_ env: EnvironmentReader, file variable: String) throws(ConfigError) -> String? {
        guard let path = env.optional(variable) else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(variable: variable, reason: "cannot read \(path): \(error.localizedDescription)")
        }
    }
}
