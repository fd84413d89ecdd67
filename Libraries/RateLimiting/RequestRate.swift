import RedisClient

/// At most `limit` requests per `period` for one key, shared by every process that uses it
/// (GCRA, one atomic script, one round trip; `RateLimiter` decides several rates at once).
/// With `burst` = `limit` it is a token bucket of `limit` that refills evenly over the period
/// (a provider's requests-per-minute quota works so); with `burst` = 1 the requests are spaced evenly.
public struct RequestRate: Sendable {
    let redis: RedisClient
    public let key: String
    public let rate: RateLimit

    public var limit: Int { rate.limit }
    public var period: Duration { rate.period }
    public var burst: Int { rate.burst }

    public init(redis: RedisClient, key: String, limit: Int, period: Duration = .seconds(60), burst: Int? = nil) {
        self.redis = redis
        self.key = key
        self.rate = RateLimit(name: "requests", limit: limit, period: period, burst: burst)
    }

    /// Whether a request may go now, and if not how long until one may.
    public enum Decision: Sendable, Equatable {
        case allowed
        case wait(Duration)
    }

    /// Takes one request's worth of the rate if it is there now.
    public func take() async throws -> Decision {
        let verdict = try await GCRAScript.evaluate(redis, keys: [key], rates: [rate], cost: 1)
        return verdict.admitted ? .allowed : .wait(max(.microseconds(1), verdict.retryAfter))
    }
}
