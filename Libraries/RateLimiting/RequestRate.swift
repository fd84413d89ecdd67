import RedisClient

/// At most `limit` requests per `period`, shared by every process that uses the same key,
/// decided by GCRA (the generic cell rate algorithm) in one atomic script and one round
/// trip: Redis keeps a single timestamp per key, the theoretical arrival time of the next
/// request. With `burst` = `limit` it is a token bucket of `limit` that refills evenly over
/// the period (a provider's requests-per-minute quota works so); with `burst` = 1 the
/// requests are spaced evenly. Time is Redis's own, so replicas' clocks do not matter.
public struct RequestRate: Sendable {
    let redis: RedisClient
    public let key: String
    public let limit: Int
    public let period: Duration
    public let burst: Int

    public init(redis: RedisClient, key: String, limit: Int, period: Duration = .seconds(60), burst: Int? = nil) {
        self.redis = redis
        self.key = key
        self.limit = max(1, limit)
        self.period = period
        self.burst = max(1, burst ?? limit)
    }

    /// Whether a request may go now, and if not how long until one may.
    public enum Decision: Sendable, Equatable {
        case allowed
        case wait(Duration)
    }

    // KEYS: the key. ARGV: emission interval µs, tolerance µs (interval · (burst − 1)).
    // Returns {1, 0} and records the request, or {0, µs until one would be allowed}.
    static let script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local wait = tat - tolerance - now
        if wait > 0 then return {0, wait} end
        local next = tat + interval
        redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.ceil((next - now) / 1000) + 1000)
        return {1, 0}
        """

    /// Takes one request's worth of the rate if it is there now.
    public func take() async throws -> Decision {
        let periodMicros = period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000
        let interval = max(1, periodMicros / Int64(limit))
        let tolerance = interval * Int64(burst - 1)
        let reply = try await redis.send(["EVAL", Self.script, "1", key, String(interval), String(tolerance)])
        if let failure = reply.errorMessage { throw RedisError.server(failure) }
        let parts = reply.array ?? []
        guard parts.first?.int == 1 else { return .wait(.microseconds(max(1, parts.count > 1 ? parts[1].int ?? 1 : 1))) }
        return .allowed
    }
}
